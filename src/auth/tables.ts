/** Table types of the sign-in and account-security tables (migration 010-auth), added to the store's DB. */
import type { Generated } from 'kysely';

export interface AuthSessionsTable {
  id: Generated<number>;
  account_id: number;
  /** SHA-256 (hex) of the opaque cookie token; the token itself is never stored. */
  token_hash: string;
  /** 'second-factor' | 'password-change' | 'second-factor-enrolment' | 'ok' */
  stage: string;
  shared: number;
  created_at: number;
  last_seen_at: number;
  idle_ms: number;
  /** Absolute end of the session. */
  expires_at: number;
  ip: string;
  user_agent: string;
  /** Pending WebAuthn challenge (base64url), single use. */
  challenge: string | null;
}

export interface AuthProfileTable {
  account_id: number;
  recovery_email: string | null;
  password_weak: number;
  updated_at: number;
}

export interface AuthTotpTable {
  account_id: number;
  secret: string;
  confirmed: number;
  /** RFC 6238 time step of the last accepted code: replay protection. */
  last_time_step: number;
  created_at: number;
}

export interface AuthRecoveryCodesTable {
  id: Generated<number>;
  account_id: number;
  code_hash: string;
  used_at: number | null;
  created_at: number;
}

export interface AuthPasskeysTable {
  id: Generated<number>;
  account_id: number;
  credential_id: string;
  /** COSE public key, base64url. */
  public_key: string;
  counter: number;
  transports: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

export interface AuthAppPasswordsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  /** Comma-separated subset of imap,smtp,dav,jmap. */
  protocols: string;
  /** SHA-256 of the generated 80-bit secret (high entropy: no slow hash needed). */
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
  last_used_ip: string | null;
}

export interface AuthSignInsTable {
  id: Generated<number>;
  account_id: number | null;
  at: number;
  ip: string;
  user_agent: string;
  protocol: string;
  result: string; // success | failure | throttled
  reason: string;
}

export interface AuthDevicesTable {
  account_id: number;
  device_hash: string;
  first_seen_at: number;
  last_seen_at: number;
}

export interface AuthResetTokensTable {
  id: Generated<number>;
  account_id: number;
  token_hash: string;
  kind: string; // 'link' | 'helpdesk'
  created_by: number | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor_id: number | null;
  account_id: number | null;
  action: string;
  ip: string;
  /** JSON object, never a secret. */
  details: string;
  prev_hash: string;
  /** SHA-256 over prev_hash and this row's canonical content. */
  hash: string;
}

declare module '../store/schema.ts' {
  interface DB {
    auth_sessions: AuthSessionsTable;
    auth_profile: AuthProfileTable;
    auth_totp: AuthTotpTable;
    auth_recovery_codes: AuthRecoveryCodesTable;
    auth_passkeys: AuthPasskeysTable;
    auth_app_passwords: AuthAppPasswordsTable;
    auth_sign_ins: AuthSignInsTable;
    auth_devices: AuthDevicesTable;
    auth_reset_tokens: AuthResetTokensTable;
    audit_log: AuditLogTable;
  }
}
