/** Texts of the mails the auth service asks to send (French first, then English). */
import type { AuthNotice } from './deps.ts';
import type { AuthAccount } from './accounts.ts';

function when(at: number): string {
  return new Date(at).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export function newDeviceNotice(a: AuthAccount, info: { at: number; ip: string; device: string; browser: string; protocol: string }, org: string): AuthNotice {
  const what = [info.browser, info.device].filter(Boolean).join(', ') || info.protocol.toUpperCase();
  return {
    kind: 'new-device',
    accountId: a.id,
    to: a.address,
    subject: 'Nouvelle connexion à votre compte / New sign-in to your account',
    text:
      `Bonjour ${a.firstName},\n\nUne connexion à votre compte ${a.address} a eu lieu depuis un nouvel appareil :\n` +
      `${what}, adresse IP ${info.ip}, le ${when(info.at)} (${info.protocol}).\n\n` +
      `Si c'était vous, il n'y a rien à faire. Sinon, changez votre mot de passe et fermez toutes les sessions depuis la page Sécurité.\n` +
      `${org} ne vous demandera jamais votre mot de passe par courriel.\n\n---\n\n` +
      `Hello ${a.firstName},\n\nYour account ${a.address} was signed in to from a new device:\n${what}, IP address ${info.ip}, at ${when(info.at)} (${info.protocol}).\n\n` +
      `If this was you, there is nothing to do. Otherwise change your password and sign out everywhere from the Security page.\n` +
      `${org} will never ask for your password by e-mail.\n`,
    info,
  };
}

export function resetLinkNotice(a: AuthAccount, to: string, link: string, expiresAt: number): AuthNotice {
  return {
    kind: 'reset-link',
    accountId: a.id,
    to,
    subject: 'Réinitialisation de votre mot de passe / Password reset',
    text:
      `Bonjour ${a.firstName},\n\nPour choisir un nouveau mot de passe pour ${a.address}, ouvrez ce lien (valable 30 minutes, une seule fois) :\n${link}\n\n` +
      `Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste le même.\n\n---\n\n` +
      `Hello ${a.firstName},\n\nTo choose a new password for ${a.address}, open this link (valid for 30 minutes, once):\n${link}\n\n` +
      `If you did not ask for this, ignore this message: your password stays the same.\n`,
    info: { expiresAt },
  };
}

export function passwordChangedNotice(a: AuthAccount, kind: 'password-changed' | 'password-reset', at: number, ip: string): AuthNotice {
  const how = kind === 'password-reset' ? ['réinitialisé', 'reset'] : ['changé', 'changed'];
  return {
    kind,
    accountId: a.id,
    to: a.address,
    subject: `Votre mot de passe a été ${how[0]} / Your password was ${how[1]}`,
    text:
      `Bonjour ${a.firstName},\n\nLe mot de passe de ${a.address} a été ${how[0]} le ${when(at)} (adresse IP ${ip}). Toutes les autres sessions ont été fermées.\n` +
      `Si ce n'était pas vous, contactez immédiatement l'assistance.\n\n---\n\n` +
      `Hello ${a.firstName},\n\nThe password of ${a.address} was ${how[1]} at ${when(at)} (IP address ${ip}). Every other session was signed out.\n` +
      `If this was not you, contact support at once.\n`,
    info: { at, ip },
  };
}
