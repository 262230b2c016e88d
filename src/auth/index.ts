/** Sign-in and account security: the API other folders call (doors, web routes, CLI). */
export { createAuthDeps, AuthError, type AuthDeps, type AuthNotice, type AuthNotifier, type Protocol, type Role } from './deps.ts';
export { RateLimiter, type RateLimiterOptions } from './rate-limit.ts';
export { authenticatePassword, limiterKeys, noteDevice, type AuthResult, type PasswordAttempt } from './authenticate.ts';
export { resolveIdentifier, getAccount, publicAccount, findAccountIdByAddress, type AuthAccount } from './accounts.ts';
export { hashPassword, verifyPassword } from './crypto.ts';
export { checkPassword, MIN_LENGTH, type PolicyResult, type PolicyReason } from './policy.ts';
export { type NewSession, createSession, findSession, advanceSession, deleteSession, deleteAllSessions, listSessions, csrfTokenFor, setChallenge, takeChallenge, type Session, type SessionStage } from './sessions.ts';
export { setupTotp, confirmTotp, verifyTotp, disableTotp, totpEnabled, totpPending, TotpStateError } from './totp.ts';
export { regenerateRecoveryCodes, useRecoveryCode, recoveryCodesLeft, deleteRecoveryCodes } from './recovery-codes.ts';
export { registrationOptions, registerPasskey, authenticationOptions, verifyPasskey, listPasskeys, deletePasskey, relyingParty } from './webauthn.ts';
export { createAppPassword, listAppPasswords, revokeAppPassword, APP_PROTOCOLS, type AppProtocol } from './app-passwords.ts';
export { recordSignIn, listSignIns, purgeSignIns, HISTORY_RETENTION_MS } from './history.ts';
export { appendAudit, audit, verifyAudit, listAudit, type AuditEntry } from './audit.ts';
export { changePassword, checkPasswordFor, startPasswordReset, completePasswordReset, issueHelpdeskCode, setRecoveryEmail, requireCurrentPassword, notePasswordStrength, RESET_LINK_MS } from './passwords.ts';
export { twoFactorState, requiredRoles, setRequiredRoles, twoFactorRequired, nextStage, methodsOf } from './two-factor.ts';
export { securityOverview, overviewExtensions, type OverviewExtension } from './overview.ts';
export { purgeExpired, startAuthMaintenance } from './maintenance.ts';
