/** REST calls of the sign-in and account-security API, as specified in docs/api.md. */
import { requestJson, setCsrfToken } from './http.ts';
import type { JmapSession } from './jmap.ts';
import { forget } from './prefetch.ts';

export interface Account {
  id: number;
  address: string;
  firstName?: string;
  lastName?: string;
  displayName?: string;
  role?: 'user' | 'helpdesk' | 'admin';
}

/** Sent with a completed sign-in and by /api/me: the JMAP Session object (RFC 8620 §2) and the inbox id. */
export interface WebBoot { session: JmapSession; inboxId: string | null }

export type SignInStep =
  | { step: 'done'; account: Account | null; boot?: WebBoot; expiresAt?: number }
  | { step: 'second-factor'; methods: string[] }
  | { step: 'change-password' }
  | { step: 'enrol' };

interface AuthResponse {
  status?: 'ok' | 'second-factor' | 'password-change' | 'second-factor-enrolment';
  csrfToken?: string;
  methods?: string[];
  account?: Account;
  jmap?: WebBoot;
  /** When the session ends unless used again (epoch ms). */
  expiresAt?: number;
}

function toStep(r: AuthResponse | null): SignInStep {
  if (r?.csrfToken) setCsrfToken(r.csrfToken);
  switch (r?.status) {
    case 'second-factor':
      return { step: 'second-factor', methods: r.methods ?? ['totp', 'recovery'] };
    case 'password-change':
      return { step: 'change-password' };
    case 'second-factor-enrolment':
      return { step: 'enrol' };
    default:
      return { step: 'done', account: r?.account ?? null, boot: r?.jmap?.session?.apiUrl ? r.jmap : undefined, expiresAt: r?.expiresAt };
  }
}

/** GET /api/me: the current session's step, or null when signed out. */
export async function currentSession(): Promise<SignInStep | null> {
  try {
    return toStep(await requestJson<AuthResponse>('GET', '/api/me', undefined, { quiet401: true }));
  } catch {
    return null;
  }
}

export async function signIn(identifier: string, password: string, sharedComputer: boolean): Promise<SignInStep> {
  return toStep(await requestJson<AuthResponse>('POST', '/api/auth/login', { identifier, password, sharedComputer }, { quiet401: true }));
}

export async function secondFactor(method: 'totp' | 'recovery', code: string): Promise<SignInStep> {
  return toStep(await requestJson<AuthResponse>('POST', '/api/auth/second-factor', { method, code }, { quiet401: true }));
}

export async function passkeyOptions(): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return requestJson('POST', '/api/auth/webauthn/options', {}, { quiet401: true });
}

export async function passkeyVerify(response: unknown): Promise<SignInStep> {
  return toStep(await requestJson<AuthResponse>('POST', '/api/auth/second-factor', { method: 'webauthn', response }, { quiet401: true }));
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<SignInStep> {
  return toStep(await requestJson<AuthResponse>('POST', '/api/password/change', { currentPassword, newPassword }));
}

export interface PasswordCheck { ok: boolean; score: number; reasons: { code: string; fr: string; en: string }[] }
export async function checkPassword(password: string): Promise<PasswordCheck | null> {
  try {
    return await requestJson<PasswordCheck>('POST', '/api/password/check', { password }, { quiet401: true });
  } catch {
    return null;
  }
}

export async function lostPassword(identifier: string): Promise<void> {
  await requestJson('POST', '/api/password/forgot', { identifier }, { quiet401: true });
}

export async function resetPassword(token: string, newPassword: string): Promise<void> {
  await requestJson('POST', '/api/password/reset', { token, newPassword }, { quiet401: true });
}

export async function resetPasswordWithCode(identifier: string, code: string, newPassword: string): Promise<void> {
  await requestJson('POST', '/api/password/reset', { identifier, code, newPassword }, { quiet401: true });
}

export async function signOut(): Promise<void> {
  try {
    await requestJson('POST', '/api/auth/logout', {}, { quiet401: true });
  } finally {
    setCsrfToken(null);
    // Nothing of this account stays in the tab (shared computers).
    forget();
    try {
      for (const k of Object.keys(sessionStorage)) if (k.startsWith('preau.jmap.')) sessionStorage.removeItem(k);
    } catch {
      // Storage disabled.
    }
  }
}

// ---- Security page ----
export interface SessionInfo { id: number; current: boolean; device?: string; browser?: string; ip?: string; createdAt: number; lastSeenAt?: number; expiresAt?: number; sharedComputer?: boolean }
export interface Passkey { id: number; name: string; createdAt: number; lastUsedAt?: number | null }
export interface AppPassword { id: number; name: string; protocols: string[]; createdAt: number; lastUsedAt?: number | null; lastUsedIp?: string | null }
export interface SignInEntry { id: number; at: number; ip?: string; userAgent?: string; device?: string; browser?: string; protocol: string; result: 'success' | 'failure' | 'throttled'; reason?: string }
export interface Advice { code: string; status: 'ok' | 'warning'; fr: string; en: string }
export interface SecurityOverview {
  twoFactor: { enabled: boolean; required: boolean; totp: boolean; passkeys: number; recoveryCodesLeft: number };
  recoveryEmail: string | null;
  password: { changedAt: number; ageDays: number };
  sessions: SessionInfo[];
  recentSignIns: SignInEntry[];
  appPasswords: AppPassword[];
  advice: Advice[];
}

export const security = {
  overview: () => requestJson<SecurityOverview>('GET', '/api/security'),
  sessions: async () => (await requestJson<{ sessions: SessionInfo[] }>('GET', '/api/security/sessions')).sessions,
  revokeSession: (id: number) => requestJson('DELETE', `/api/security/sessions/${id}`),
  revokeAll: () => requestJson<{ revoked: number }>('POST', '/api/security/sessions/revoke-all', { keepCurrent: true }),
  totpSetup: () => requestJson<{ secret: string; otpauthUrl: string; qrDataUrl: string }>('POST', '/api/security/totp/setup', {}),
  totpConfirm: async (code: string) => {
    const r = await requestJson<{ enabled: boolean; recoveryCodes: string[] | null; csrfToken?: string }>('POST', '/api/security/totp/confirm', { code });
    if (r.csrfToken) setCsrfToken(r.csrfToken);
    return r;
  },
  totpDisable: (currentPassword: string) => requestJson('POST', '/api/security/totp/disable', { currentPassword }),
  recoveryCodes: (currentPassword: string) => requestJson<{ recoveryCodes: string[] }>('POST', '/api/security/recovery-codes', { currentPassword }),
  recoveryEmail: (email: string | null, currentPassword: string) => requestJson('PUT', '/api/security/recovery-email', { email, currentPassword }),
  passkeys: async () => (await requestJson<{ passkeys: Passkey[] }>('GET', '/api/security/passkeys')).passkeys,
  passkeyOptions: () => requestJson<PublicKeyCredentialCreationOptionsJSON>('POST', '/api/security/passkeys/options', {}),
  passkeyRegister: async (response: unknown, name: string) => {
    const r = await requestJson<{ passkey: Passkey; recoveryCodes: string[] | null; csrfToken?: string }>('POST', '/api/security/passkeys', { response, name });
    if (r.csrfToken) setCsrfToken(r.csrfToken);
    return r;
  },
  passkeyDelete: (id: number) => requestJson('DELETE', `/api/security/passkeys/${id}`),
  appPasswords: async () => (await requestJson<{ appPasswords: AppPassword[] }>('GET', '/api/security/app-passwords')).appPasswords,
  appPasswordCreate: (name: string, protocols: string[], currentPassword: string) =>
    requestJson<{ appPassword: AppPassword; password: string }>('POST', '/api/security/app-passwords', { name, protocols, currentPassword }),
  appPasswordDelete: (id: number) => requestJson('DELETE', `/api/security/app-passwords/${id}`),
  signIns: async () => (await requestJson<{ signIns: SignInEntry[] }>('GET', '/api/security/sign-ins?limit=50')).signIns,
};

// ---- Public client configuration (server names, ports, support), served by src/http/web-static.ts ----
export interface ClientConfig {
  orgName?: string;
  hostname?: string;
  imap?: { port: number; security: 'tls' | 'starttls' }[];
  smtp?: { port: number; security: 'tls' | 'starttls' }[];
  supportContact?: string;
  /** Droit à la déconnexion: working hours and days (ISO: 1 = Monday), school holidays (inclusive ISO dates). */
  workingTime?: { start: string; end: string; days: number[] };
  schoolHolidays?: { start: string; end: string }[];
}

let configPromise: Promise<ClientConfig> | null = null;
export function clientConfig(): Promise<ClientConfig> {
  configPromise ??= requestJson<ClientConfig>('GET', '/api/webmail/config', undefined, { quiet401: true }).catch(() => ({}));
  return configPromise;
}
