/** Password policy after ANSSI guidance: length, zxcvbn-ts strength (French, English, common
 *  dictionaries), no name or address inside, not in the bundled common-password list. */
import { readFileSync } from 'node:fs';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as fr from '@zxcvbn-ts/language-fr';
import * as en from '@zxcvbn-ts/language-en';

export interface PolicyReason {
  code: 'too-short' | 'too-long' | 'common' | 'contains-name' | 'contains-address' | 'weak' | 'same-as-current';
  fr: string;
  en: string;
}

export interface PolicyResult {
  ok: boolean;
  /** zxcvbn score 0-4. */
  score: number;
  reasons: PolicyReason[];
}

export interface PolicyPerson {
  firstName?: string;
  lastName?: string;
  localPart?: string;
}

export const MIN_LENGTH = 12;
// Limit: 256 characters; argon2 and zxcvbn cost grows with length.
export const MAX_LENGTH = 256;
/** Below this zxcvbn score a password is refused (3 = "safely unguessable: moderate protection"). */
export const MIN_SCORE = 3;

let factory: ZxcvbnFactory | null = null;
function zxcvbn(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...fr.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    useLevenshteinDistance: false,
  });
  return factory;
}

let commonList: Set<string> | null = null;
function commonPasswords(): Set<string> {
  if (!commonList) {
    const text = readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8');
    commonList = new Set(text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
  }
  return commonList;
}

/** Lower case, diacritics removed: "Élodie" and "elodie" compare equal. */
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function isCommon(password: string): boolean {
  const list = commonPasswords();
  const p = fold(password);
  const bare = p.replace(/[^\p{L}\p{N}]+/gu, '');
  const stripped = p.replace(/[\d\W_]+$/u, '');
  const bareStripped = bare.replace(/\d+$/u, '');
  return [p, bare, stripped, bareStripped].some((x) => x.length >= 4 && list.has(x));
}

/** Name parts of 3+ letters ("Jean-Pierre" gives jean, pierre, jeanpierre). */
function nameParts(person: PolicyPerson): { names: string[]; local: string[] } {
  const split = (s: string | undefined) => {
    const f = fold(s ?? '');
    const parts = f.split(/[^\p{L}\p{N}]+/u).filter((x) => x.length >= 3);
    const joined = f.replace(/[^\p{L}\p{N}]+/gu, '');
    return joined.length >= 3 ? [...parts, joined] : parts;
  };
  return { names: [...split(person.firstName), ...split(person.lastName)], local: split(person.localPart) };
}

function translate(key: string | null, kind: 'warnings' | 'suggestions', lang: typeof fr | typeof en): string {
  if (!key) return '';
  return (lang.translations[kind] as Record<string, string>)[key] ?? '';
}

/** Check a candidate password for a person. Pure; never logs the password. */
export function checkPassword(password: string, person: PolicyPerson = {}): PolicyResult {
  const reasons: PolicyReason[] = [];
  if ([...password].length < MIN_LENGTH) reasons.push({ code: 'too-short', fr: `Au moins ${MIN_LENGTH} caractères sont nécessaires.`, en: `At least ${MIN_LENGTH} characters are needed.` });
  if (password.length > MAX_LENGTH) {
    reasons.push({ code: 'too-long', fr: `Au plus ${MAX_LENGTH} caractères.`, en: `At most ${MAX_LENGTH} characters.` });
    return { ok: false, score: 0, reasons };
  }
  if (isCommon(password)) reasons.push({ code: 'common', fr: 'Ce mot de passe fait partie des plus courants : il serait deviné en premier.', en: 'This password is one of the most common ones: it would be guessed first.' });
  const folded = fold(password).replace(/[^\p{L}\p{N}]+/gu, '');
  const { names, local } = nameParts(person);
  if (names.some((n) => folded.includes(n.replace(/[^\p{L}\p{N}]+/gu, '')))) reasons.push({ code: 'contains-name', fr: 'Le mot de passe ne doit pas contenir votre prénom ou votre nom.', en: 'The password must not contain your first or last name.' });
  if (local.some((n) => folded.includes(n.replace(/[^\p{L}\p{N}]+/gu, '')))) reasons.push({ code: 'contains-address', fr: 'Le mot de passe ne doit pas contenir votre adresse.', en: 'The password must not contain your address.' });
  const userInputs = [person.firstName, person.lastName, person.localPart].filter((x): x is string => !!x).map(fold);
  const r = zxcvbn().check(password, userInputs);
  if (r.score < MIN_SCORE) {
    const hintFr = [translate(r.feedback.warning, 'warnings', fr), ...r.feedback.suggestions.map((s) => translate(s, 'suggestions', fr))].filter(Boolean).join(' ');
    const hintEn = [translate(r.feedback.warning, 'warnings', en), ...r.feedback.suggestions.map((s) => translate(s, 'suggestions', en))].filter(Boolean).join(' ');
    reasons.push({
      code: 'weak',
      fr: `Mot de passe trop facile à deviner. ${hintFr || 'Utilisez une phrase de plusieurs mots inhabituels.'}`.trim(),
      en: `Password too easy to guess. ${hintEn || 'Use a phrase of several unusual words.'}`.trim(),
    });
  }
  return { ok: reasons.length === 0, score: r.score, reasons };
}
