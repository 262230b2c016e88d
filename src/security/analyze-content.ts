/** Content analyzers: credential-request language (French, English), links whose text shows another domain, HTML forms, look-alike link hosts. */
import type { ParsedMessage } from '../mime/types.ts';
import type { AuthResults } from './auth.ts';
import type { SecurityPolicy } from './policy.ts';
import { tag, type Tag } from './types.ts';
import { domainInText, extractLinks, fold, isUnder, isUnderAny, messageText, orgDomain, textUrls, urlHost } from './text.ts';
import { findLookalike } from './lookalike.ts';
import { protectedNameIn, senderFacts } from './analyze-sender.ts';

// Word lists are matched on folded text (no accents, lower case, single spaces).
/** Phrases that on their own ask for credentials or threaten the account (2 points each). */
const STRONG = [
  /(confirm|verifi|valid|mettre a jour|mettez a jour|mise a jour de|actualis|saisi|renseign|communiqu|fourni|transmet|envoy|vous identifier|identifiez-vous)\w*( \w+){0,5} (vos|votre|tes|ton)( nouveaux?| nouvelles?)? (identifiants?|mots? de passe|informations de connexion|coordonnees bancaires|codes? d'acces|donnees de connexion|rib|iban|releve d'identite bancaire)\b/,
  /(connectez-vous|reconnectez-vous|identifiez-vous|authentifiez-vous|log ?in|sign ?in)( [\w']+){0,6} (avec|with|using) (vos|votre|your)( [\w']+){0,5} (identifiants?|mots? de passe|password|credentials)/,
  /(confirm|verify|validate|update|re-?enter|provide)( \w+){0,4} (your )?(credentials|password|login details|account details|email account|mailbox)/,
  /(compte|boite|messagerie|acces|adresse)( \w+){0,4} (sera|seront|va etre|vont etre|sont|est) (suspendu|desactive|supprime|ferme|bloque|restreint|verrouille)e?s?/,
  /(account|mailbox|access|email)( \w+){0,4} (will be|has been|is) (suspended|deactivated|deleted|closed|blocked|restricted|locked|disabled)/,
  /(boite|messagerie|boite aux lettres|boite mail|boite de reception)( \w+){0,4} (est |a atteint |presque )?(pleine|saturee|sa limite|la limite|sa capacite)/,
  /(mailbox|inbox|email storage|storage)( \w+){0,3} (is |has )?(full|almost full|exceeded|reached (its|the) (limit|quota))/,
  /(quota|espace de stockage|limite de stockage)( \w+){0,3} (depasse|atteint|plein)/,
  /(messages?|courriers?|e-?mails?) (entrants? )?(en attente|bloques|retenus|suspendus|non delivres|pending|on hold)/,
  /(eviter|afin d'eviter|pour ne pas) (la |une )?(suspension|desactivation|suppression|fermeture|perte)/,
  /(avoid|prevent) (the )?(suspension|deactivation|closure|termination|loss)/,
];
const CRED_NOUNS = /\b(identifiants?|mots? de passe|password|credentials|login|code d'acces|informations de connexion|nom d'utilisateur|username|coordonnees bancaires|rib|iban|numero de carte|card number)\b/;
const REQUEST_VERBS = /\b(confirm\w*|verifi\w*|verify|valid\w*|mettre a jour|mettez a jour|update|saisi\w*|renseign\w*|reactiv\w*|debloqu\w*|re-?authenti\w*|connectez-vous|identifiez-vous|sign in|log in)\b/;
const URGENCY = /\b(24 ?h(eures)?|48 ?h(eures)?|immediatement|sans delai|dernier (avis|rappel)|urgent|action requise|action required|within \d+ hours|immediately|final notice|activite inhabituelle|unusual (sign-in )?activity|connexion suspecte|tentative de connexion)\b/;
const CLICK = /\b(cliquez|cliquer|click here|clic(k)? ci-dessous|appuyez sur le lien|suivez le lien|follow the link)\b/;

/**
 * Score of credential-request language: phrase matches and co-occurring word families. `text`
 * is folded once by the caller (messageText); the verb, urgency and click families are looked up
 * only when they can change the score.
 */
export function credentialPoints(text: string): { points: number; hits: string[] } {
  const hits: string[] = [];
  let points = 0;
  for (const re of STRONG) {
    const m = re.exec(text);
    if (m) {
      points += 2;
      hits.push(m[0]);
    }
  }
  const noun = CRED_NOUNS.exec(text);
  const verb = noun ? REQUEST_VERBS.exec(text) : null;
  if (noun && verb) {
    points += 1;
    hits.push(`${noun[0]} + ${verb[0]}`);
  }
  if (points === 0) return { points, hits };
  const urgent = URGENCY.exec(text);
  if (urgent) {
    points += 1;
    hits.push(urgent[0]);
  }
  const click = CLICK.exec(text);
  if (click) {
    points += 1;
    hits.push(click[0]);
  }
  return { points, hits };
}

/** CREDENTIAL_REQUEST: 2 points give half the score, 4 or more the full score. */
export function analyzeCredentials(parsed: ParsedMessage, _raw: Buffer, _auth: AuthResults, policy: SecurityPolicy): Tag[] {
  const { points, hits } = credentialPoints(messageText(parsed));
  if (points < 2) return [];
  return [tag(policy, 'CREDENTIAL_REQUEST', `${points} points: ${hits.slice(0, 3).join('; ')}`, hits[0], Math.min(1, points / 4))];
}

const ACTION_TEXT = /\b(securis|proteg|secure|connect|connexion|se connecter|identifi|valid|verif|confirm|consult|acceder|acces|telecharg|login|log in|sign in|update|mettre a jour|mise a jour|debloqu|activ|reactiv|cliquez|click|ouvrir|voir le (document|bulletin|message)|recuper|restaur|augmenter|conserver|garder|changer|modifier|keep|review|open|view|unlock|restore)\w*/;

/**
 * Links: LINK_TEXT_MISMATCH, EXTERNAL_LOGIN_LINK, LOOKALIKE_DOMAIN (in a link). A link is an
 * "external login link" when it leaves the institution's and the State's sites (and the sender's
 * own site, if the sender is authenticated) with a call to act, or with any text when the sender
 * displays a protected name: pretending to be the institution and sending you elsewhere is the lure.
 */
export function analyzeLinks(parsed: ParsedMessage, _raw: Buffer, auth: AuthResults, policy: SecurityPolicy): Tag[] {
  const out: Tag[] = [];
  const sender = senderFacts(parsed, auth, policy);
  const senderOrg = auth.dmarc.result === 'pass' || auth.submitted ? orgDomain(sender.domain) : null;
  const impersonating = !sender.internal && protectedNameIn(sender.name, policy) !== null;
  const links = extractLinks(parsed.html);
  const hosts = new Set<string>();
  let mismatch: Tag | null = null;
  let login: Tag | null = null;
  for (const l of links) {
    const host = urlHost(l.href);
    if (!host) continue;
    hosts.add(host);
    const shown = domainInText(l.text);
    if (!mismatch && shown && !isUnder(host, shown) && orgDomain(host) !== orgDomain(shown)) {
      // Showing one of our or a State domain while pointing elsewhere is the classic lure.
      const protectedShown = isUnderAny(shown, policy.trustedLinkDomains) || isUnderAny(shown, policy.protectedDomains);
      mismatch = tag(policy, 'LINK_TEXT_MISMATCH', `text shows ${shown}, link goes to ${host}`, `${shown}|${host}`, protectedShown ? 1 : 0.5);
    }
    const foreign = !isUnderAny(host, policy.trustedLinkDomains) && !isUnderAny(host, policy.protectedDomains) && orgDomain(host) !== senderOrg;
    if (!login && foreign && (impersonating || ACTION_TEXT.test(fold(l.text)))) login = tag(policy, 'EXTERNAL_LOGIN_LINK', `"${l.text.slice(0, 60)}" goes to ${host}`, host);
  }
  for (const u of textUrls(parsed.text ?? '')) {
    const h = urlHost(u);
    if (h) hosts.add(h);
  }
  if (mismatch) out.push(mismatch);
  if (login) out.push(login);
  for (const h of hosts) {
    // The sender's own look-alike domain is tagged once, by the sender analyzer.
    if (orgDomain(h) === orgDomain(sender.domain)) continue;
    const la = findLookalike(h, policy.protectedDomains, policy.trustedLinkDomains);
    if (la) {
      out.push(tag(policy, 'LOOKALIKE_DOMAIN', `link ${la.host} imitates ${la.imitates} (${la.kind})`, `${la.host}|${la.imitates}`));
      break;
    }
  }
  return out;
}

/** HTML_FORM: a form in the body (a password field makes it certain). */
export function analyzeForm(parsed: ParsedMessage, _raw: Buffer, _auth: AuthResults, policy: SecurityPolicy): Tag[] {
  const html = parsed.html?.slice(0, 1 << 20);
  if (!html || !/<form\b/i.test(html)) return [];
  // Limit: an input tag's attributes are read up to 500 characters (keeps the scan linear).
  const password = /<input\b[^>]{0,500}type\s*=\s*["']?password/i.test(html);
  return [tag(policy, 'HTML_FORM', password ? 'form with a password field' : 'form in the message', password ? 'password' : 'form', password ? 1.5 : 1)];
}
