/** Sign-in, second factor (TOTP, passkey, recovery code), forced password change; the frame of the sign-in pages. */
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import * as auth from '../api/auth.ts';
import { HttpError } from '../api/http.ts';
import { getLang, setLang, t } from '../i18n/index.ts';
import { navigate } from '../router.ts';
import { Icon } from '../ui/Icon.tsx';
import { problemText } from '../ui/errors.ts';

export { problemText };

export function errorText(e: unknown): string {
  if (e instanceof HttpError) {
    if (e.code === 'invalid-credentials') return t('auth.errorCredentials');
    if (e.status === 429) return t('auth.errorRateLimited');
    if (e.status === 0 || e.status >= 500) return t('auth.errorServer');
    return problemText(e);
  }
  return t('auth.errorServer');
}


/**
 * A failure as the user reads it: the server's problem details in the current language, else a
 * translated generic message. The raw error (a TypeError's "Failed to fetch", a stack) goes to the
 * console only.
 */
export function failureText(e: unknown): string {
  console.error(e);
  if (e instanceof HttpError) return e.status === 429 ? t('auth.errorRateLimited') : problemText(e);
  // fetch() rejects with a TypeError when the network or the server cannot be reached.
  if (e instanceof TypeError) return t('app.networkError');
  return t('app.unexpectedError');
}

export function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  const h = useRef<HTMLHeadingElement>(null);
  useEffect(() => h.current?.focus(), []);
  return (
    <div className="auth-page">
      <header className="auth-brand" role="banner">
        <span className="logo"><Icon name="mail" /></span>
        <span>{t('app.name')}</span>
        <button type="button" className="btn link lang-switch" lang={getLang() === 'fr' ? 'en' : 'fr'} onClick={() => setLang(getLang() === 'fr' ? 'en' : 'fr')}>
          {t('app.otherLanguage')}
        </button>
      </header>
      <main className="auth-card" id="main">
        <h1 tabIndex={-1} ref={h}>{title}</h1>
        {children}
      </main>
      <footer className="auth-footer">
        <a href="/aide" onClick={(e) => { e.preventDefault(); navigate('/aide'); }}>{t('help.title')}</a>
      </footer>
    </div>
  );
}

/** The form's message; its id names it in the wrong field's aria-describedby (useRequiredFields). */
export function ErrorBox({ message }: { message: string }) {
  if (!message) return null;
  return <p id="auth-error" className="form-error" role="alert">{message}</p>;
}

/**
 * Required fields checked by the page, in its language (forms are noValidate: the browser's own
 * bubbles speak the browser's language and are not announced alike everywhere). `check` returns
 * the message for the first empty required field and puts the focus on it ('' when all are
 * filled); `field` gives a field its aria-invalid and aria-describedby.
 */
export function useRequiredFields() {
  const [invalid, setInvalid] = useState<string | null>(null);
  const check = (form: HTMLFormElement): string => {
    const empty = Array.from(form.querySelectorAll<HTMLInputElement>('input[required]')).find((i) => !i.value.trim());
    setInvalid(empty?.id ?? null);
    if (!empty) return '';
    empty.focus();
    return t('auth.fieldRequired', { field: empty.labels?.[0]?.textContent?.trim() ?? '' });
  };
  const field = (id: string, describedBy?: string) => ({
    'aria-invalid': invalid === id || undefined,
    'aria-describedby': [describedBy, invalid === id ? 'auth-error' : ''].filter(Boolean).join(' ') || undefined,
  });
  return { check, field };
}

export function SignIn({ onStep }: { onStep: (s: auth.SignInStep) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [shared, setShared] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const req = useRequiredFields();
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const missing = req.check(e.currentTarget);
    setError(missing);
    if (missing) return;
    setBusy(true);
    try {
      onStep(await auth.signIn(username.trim(), password, shared));
    } catch (err) {
      setError(errorText(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  }
  return (
    <AuthFrame title={t('auth.title')}>
      <p className="muted">{t('auth.intro')}</p>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="login-user">{t('auth.username')}</label>
          <input id="login-user" name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} {...req.field('login-user', 'login-user-hint')} />
          <span className="hint" id="login-user-hint">{t('auth.usernameHint')}</span>
        </div>
        <div className="field">
          <label htmlFor="login-pass">{t('auth.password')}</label>
          <input id="login-pass" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} {...req.field('login-pass')} />
        </div>
        <div className="field check">
          <input id="login-shared" type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} aria-describedby="login-shared-hint" />
          <label htmlFor="login-shared">{t('auth.sharedComputer')}</label>
          <span className="hint" id="login-shared-hint">{t('auth.sharedComputerHint')}</span>
        </div>
        <ErrorBox message={error} />
        <button className="btn primary wide" type="submit" disabled={busy}>{busy ? t('auth.signingIn') : t('auth.signIn')}</button>
      </form>
      <p className="auth-links">
        <a href="/connexion/mot-de-passe-perdu" onClick={(e) => { e.preventDefault(); navigate('/connexion/mot-de-passe-perdu'); }}>{t('auth.lostPassword')}</a>
      </p>
    </AuthFrame>
  );
}

/** WebAuthn assertion using the browser's JSON helpers (Chromium ≥ 129, Firefox ≥ 119). */
async function passkeyAssertion(): Promise<unknown> {
  const options = await auth.passkeyOptions();
  const opts = (options as unknown as { publicKey?: PublicKeyCredentialRequestOptionsJSON }).publicKey ?? options;
  const cred = (await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(opts) })) as PublicKeyCredential | null;
  if (!cred) throw new Error('cancelled');
  return cred.toJSON();
}

export function SecondFactor({ methods, onStep, onCancel }: { methods: string[]; onStep: (s: auth.SignInStep) => void; onCancel: () => void }) {
  const [mode, setMode] = useState<'totp' | 'recovery'>(methods.includes('totp') || !methods.includes('recovery') ? 'totp' : 'recovery');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const hasPasskey = methods.some((m) => m === 'webauthn' || m === 'passkey') && typeof PublicKeyCredential !== 'undefined';
  const req = useRequiredFields();
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const missing = req.check(e.currentTarget);
    setError(missing);
    if (missing) return;
    setBusy(true);
    try {
      onStep(await auth.secondFactor(mode, code.replace(/\s/g, '')));
    } catch (err) {
      setError(err instanceof HttpError && (err.status === 401 || err.status === 400) ? t('auth.errorCode') : errorText(err));
      setCode('');
    } finally {
      setBusy(false);
    }
  }
  async function usePasskey() {
    setError('');
    try {
      onStep(await auth.passkeyVerify(await passkeyAssertion()));
    } catch (err) {
      // WebAuthn §5.1.4: a DOMException (NotAllowedError) when the person declines, the time runs out or
      // no key on this device belongs to the account; the server refusing the assertion answers 401.
      if ((err as Error).message === 'cancelled' || err instanceof DOMException) setError(t('auth.passkeyCancelled'));
      else setError(err instanceof HttpError && (err.status === 401 || err.status === 400) ? t('auth.passkeyRefused') : errorText(err));
    }
  }
  return (
    <AuthFrame title={t('auth.secondFactorTitle')}>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="mfa-code">{mode === 'totp' ? t('auth.totpCode') : t('auth.recoveryCode')}</label>
          <input
            id="mfa-code"
            autoComplete="one-time-code"
            inputMode={mode === 'totp' ? 'numeric' : 'text'}
            pattern={mode === 'totp' ? '[0-9 ]{6,8}' : undefined}
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
            {...req.field('mfa-code', 'mfa-hint')}
          />
          <span className="hint" id="mfa-hint">{mode === 'totp' ? t('auth.totpHint') : t('auth.recoveryHint')}</span>
        </div>
        <ErrorBox message={error} />
        <button className="btn primary wide" type="submit" disabled={busy}>{t('auth.verify')}</button>
      </form>
      <div className="auth-alt">
        {hasPasskey && <button type="button" className="btn" onClick={usePasskey}>{t('auth.usePasskey')}</button>}
        <button type="button" className="btn link" onClick={() => { setMode(mode === 'totp' ? 'recovery' : 'totp'); setCode(''); }}>
          {mode === 'totp' ? t('auth.useRecovery') : t('auth.useTotp')}
        </button>
        <button type="button" className="btn link" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </AuthFrame>
  );
}

/** The new password twice, checked here first (the server's policy answers the rest, translated). */
export function NewPasswordFields({ prefix, next, confirm, setNext, setConfirm, field }: { prefix: string; next: string; confirm: string; setNext: (v: string) => void; setConfirm: (v: string) => void; field: ReturnType<typeof useRequiredFields>['field'] }) {
  return (
    <>
      <div className="field">
        <label htmlFor={`${prefix}-new`}>{t('auth.newPassword')}</label>
        <input id={`${prefix}-new`} type="password" autoComplete="new-password" required value={next} onChange={(e) => setNext(e.target.value)} {...field(`${prefix}-new`, `${prefix}-hint`)} />
        <span className="hint" id={`${prefix}-hint`}>{t('auth.passwordAdvice')}</span>
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-confirm`}>{t('auth.confirmPassword')}</label>
        <input id={`${prefix}-confirm`} type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} {...field(`${prefix}-confirm`)} />
      </div>
    </>
  );
}

export function checkNew(next: string, confirm: string): string {
  if (next !== confirm) return t('auth.passwordsDiffer');
  if (next.length < 12) return t('auth.passwordTooShort');
  return '';
}

/** A refused form: the server's problem details for `statuses` (what the user typed), else the generic failure text. */
export function formErrorText(err: unknown, statuses: number[] = [400]): string {
  return err instanceof HttpError && statuses.includes(err.status) ? problemText(err) : errorText(err);
}

export function ChangePassword({ onStep }: { onStep: (s: auth.SignInStep) => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const req = useRequiredFields();
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const missing = req.check(e.currentTarget);
    if (missing) return setError(missing);
    const wrong = checkNew(next, confirm);
    if (wrong) return setError(wrong);
    setBusy(true);
    setError('');
    try {
      onStep(await auth.changePassword(current, next));
    } catch (err) {
      setError(formErrorText(err, [400, 403]));
    } finally {
      setBusy(false);
    }
  }
  return (
    <AuthFrame title={t('auth.changeTitle')}>
      <p className="muted">{t('auth.changeIntro')}</p>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="pw-current">{t('auth.currentPassword')}</label>
          <input id="pw-current" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} {...req.field('pw-current')} />
        </div>
        <NewPasswordFields prefix="pw" next={next} confirm={confirm} setNext={setNext} setConfirm={setConfirm} field={req.field} />
        <ErrorBox message={error} />
        <button className="btn primary wide" type="submit" disabled={busy}>{t('auth.changeSubmit')}</button>
      </form>
    </AuthFrame>
  );
}
