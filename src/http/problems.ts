/** HTTP errors as RFC 9457 problem details, French (default) with English under `en`. */
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';

interface Text {
  status: number;
  fr: [title: string, detail: string];
  en: [title: string, detail: string];
}

const catalogue: Record<string, Text> = {
  'bad-request': { status: 400, fr: ['Requête invalide', 'La requête ne peut pas être lue.'], en: ['Bad request', 'The request cannot be read.'] },
  'validation-failed': { status: 400, fr: ['Données invalides', 'Certains champs sont absents ou invalides.'], en: ['Invalid data', 'Some fields are missing or invalid.'] },
  'not-found': { status: 404, fr: ['Introuvable', "Cette ressource n'existe pas."], en: ['Not found', 'This resource does not exist.'] },
  'method-not-allowed': { status: 405, fr: ['Méthode non permise', 'Cette méthode ne convient pas ici.'], en: ['Method not allowed', 'This method is not allowed here.'] },
  'payload-too-large': { status: 413, fr: ['Requête trop grande', 'Le corps de la requête est trop grand.'], en: ['Payload too large', 'The request body is too large.'] },
  unauthenticated: { status: 401, fr: ['Connexion nécessaire', "Vous n'êtes pas connecté ou votre session a expiré."], en: ['Sign-in required', 'You are not signed in or your session has expired.'] },
  'invalid-credentials': { status: 401, fr: ['Identifiant ou mot de passe incorrect', 'Vérifiez votre identifiant et votre mot de passe.'], en: ['Wrong identifier or password', 'Check your identifier and password.'] },
  'second-factor-required': { status: 403, fr: ['Second facteur nécessaire', 'Terminez la connexion avec votre second facteur.'], en: ['Second factor required', 'Finish signing in with your second factor.'] },
  'password-change-required': { status: 403, fr: ['Changement de mot de passe nécessaire', 'Choisissez un nouveau mot de passe pour continuer.'], en: ['Password change required', 'Choose a new password to continue.'] },
  'second-factor-enrolment-required': { status: 403, fr: ['Double authentification obligatoire', 'Activez la double authentification pour continuer.'], en: ['Two-factor required', 'Turn on two-factor authentication to continue.'] },
  'invalid-second-factor': { status: 401, fr: ['Code incorrect', 'Ce code est incorrect ou a déjà servi.'], en: ['Wrong code', 'This code is wrong or was already used.'] },
  'rate-limited': { status: 429, fr: ['Trop de tentatives', 'Patientez avant de réessayer.'], en: ['Too many attempts', 'Wait before trying again.'] },
  'origin-refused': { status: 403, fr: ['Origine refusée', "Cette requête ne vient pas de l'application Préau."], en: ['Origin refused', 'This request does not come from the Préau application.'] },
  'csrf-refused': { status: 403, fr: ['Jeton de sécurité absent ou invalide', 'Rechargez la page et réessayez.'], en: ['Missing or invalid security token', 'Reload the page and try again.'] },
  forbidden: { status: 403, fr: ['Accès refusé', "Vous n'avez pas le droit de faire cela."], en: ['Forbidden', 'You are not allowed to do this.'] },
  'password-refused': { status: 400, fr: ['Mot de passe refusé', 'Ce mot de passe ne respecte pas les règles.'], en: ['Password refused', 'This password does not meet the rules.'] },
  'invalid-token': { status: 400, fr: ['Lien ou code invalide', 'Ce lien ou ce code est inconnu, déjà utilisé ou expiré.'], en: ['Invalid link or code', 'This link or code is unknown, already used or expired.'] },
  'wrong-password': { status: 403, fr: ['Mot de passe actuel incorrect', 'Le mot de passe actuel saisi est incorrect.'], en: ['Wrong current password', 'The current password you typed is wrong.'] },
  'totp-not-pending': { status: 409, fr: ['Aucune activation en cours', "Recommencez l'activation du code à usage unique."], en: ['No enrolment pending', 'Start the one-time code enrolment again.'] },
  'totp-already-enabled': { status: 409, fr: ['Déjà activé', 'Le code à usage unique est déjà activé.'], en: ['Already enabled', 'One-time codes are already enabled.'] },
  'webauthn-failed': { status: 400, fr: ['Clé de sécurité refusée', "La vérification de la clé d'accès a échoué."], en: ['Passkey refused', 'The passkey check failed.'] },
  internal: { status: 500, fr: ['Erreur interne', 'Une erreur inattendue est survenue.'], en: ['Internal error', 'An unexpected error occurred.'] },
};

/** Throw from a route: the error handler turns it into problem details. */
export class HttpProblem extends Error {
  code: string;
  status: number;
  extra: Record<string, unknown>;
  constructor(code: string, extra: Record<string, unknown> = {}, status?: number) {
    super(code);
    this.code = code;
    this.status = status ?? catalogue[code]?.status ?? 500;
    this.extra = extra;
  }
}

/** Let other plugins add their codes (JMAP, web). */
export function registerProblem(code: string, t: Text): void {
  catalogue[code] = t;
}

export function problemBody(code: string, status?: number, extra: Record<string, unknown> = {}) {
  const t = catalogue[code] ?? catalogue.internal;
  const s = status ?? t.status;
  // RFC 9457 §3.1: type, title, status, detail; §3.2 extension members (code, en, errors, ...).
  return { type: `urn:preau:problem:${code}`, title: t.fr[0], detail: t.fr[1], status: s, code, en: { title: t.en[0], detail: t.en[1] }, ...extra };
}

export function sendProblem(reply: FastifyReply, code: string, extra: Record<string, unknown> = {}, status?: number) {
  const body = problemBody(code, status, extra);
  if (typeof extra.retryAfterMs === 'number') reply.header('retry-after', String(Math.ceil(extra.retryAfterMs / 1000)));
  // RFC 9457 §3: media type application/problem+json.
  return reply.code(body.status).type('application/problem+json; charset=utf-8').send(JSON.stringify(body));
}

/** Parse untrusted input with a zod schema or throw `validation-failed`. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new HttpProblem('validation-failed', { errors: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  return r.data;
}
