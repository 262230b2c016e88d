/** Lost password: the request for a link, the page the link opens, and the helpdesk one-time code (docs/api.md "Passwords"). */
import { useState, type FormEvent } from 'react';
import * as auth from '../api/auth.ts';
import { HttpError } from '../api/http.ts';
import { t } from '../i18n/index.ts';
import { navigate, query } from '../router.ts';
import { AuthFrame, checkNew, ErrorBox, errorText, formErrorText, NewPasswordFields, useRequiredFields } from './SignIn.tsx';

function Link({ to, label }: { to: string; label: string }) {
  return <a href={to} onClick={(e) => { e.preventDefault(); navigate(to); }}>{label}</a>;
}

export function LostPassword() {
  const [username, setUsername] = useState('');
  const [sent, setSent] = useState(false);
  const [withCode, setWithCode] = useState(false);
  const [error, setError] = useState('');
  const req = useRequiredFields();
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const missing = req.check(e.currentTarget);
    setError(missing);
    if (missing) return;
    try {
      await auth.lostPassword(username.trim());
      setSent(true);
    } catch (err) {
      // Answer the same whether or not the account exists; only show transport failures and the
      // rate limit (which counts requests for any identifier alike, so it reveals nothing).
      if (err instanceof HttpError && (err.status >= 500 || err.status === 429 || err.status === 0)) setError(errorText(err));
      else setSent(true);
    }
  }
  if (withCode) return <CodeReset identifier={username} onBack={() => setWithCode(false)} />;
  return (
    <AuthFrame title={t('auth.lostTitle')}>
      {sent ? (
        <p role="status">{t('auth.lostSent')}</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <p className="muted">{t('auth.lostIntro')}</p>
          <div className="field">
            <label htmlFor="lost-user">{t('auth.username')}</label>
            <input id="lost-user" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} {...req.field('lost-user')} />
          </div>
          <ErrorBox message={error} />
          <button className="btn primary wide" type="submit">{t('auth.lostSubmit')}</button>
        </form>
      )}
      <p className="auth-links">
        <button type="button" className="btn link" onClick={() => setWithCode(true)}>{t('auth.haveCode')}</button>
        <Link to="/connexion" label={t('auth.backToSignIn')} />
      </p>
    </AuthFrame>
  );
}

/** docs/security.md: without a recovery address, the helpdesk gives a one-time code (24 hours) typed here. */
function CodeReset({ identifier, onBack }: { identifier: string; onBack: () => void }) {
  const [username, setUsername] = useState(identifier);
  const [code, setCode] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const [error, setError] = useState('');
  const req = useRequiredFields();
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const wrong = req.check(e.currentTarget) || checkNew(next, confirm);
    setError(wrong);
    if (wrong) return;
    try {
      await auth.resetPasswordWithCode(username.trim(), code.trim(), next);
      setDone(true);
    } catch (err) {
      if (err instanceof HttpError && (err.code === 'invalid-token' || err.code === 'validation-failed')) setError(t('auth.codeInvalid'));
      else setError(formErrorText(err));
    }
  }
  return (
    <AuthFrame title={t('auth.codeTitle')}>
      {done ? (
        <p role="status">{t('auth.resetDone')}</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <p className="muted">{t('auth.codeIntro')}</p>
          <div className="field">
            <label htmlFor="code-user">{t('auth.username')}</label>
            <input id="code-user" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} {...req.field('code-user')} />
          </div>
          <div className="field">
            <label htmlFor="code-code">{t('auth.helpdeskCode')}</label>
            <input id="code-code" autoComplete="one-time-code" autoCapitalize="characters" spellCheck={false} required value={code} onChange={(e) => setCode(e.target.value)} {...req.field('code-code')} />
          </div>
          <NewPasswordFields prefix="code" next={next} confirm={confirm} setNext={setNext} setConfirm={setConfirm} field={req.field} />
          <ErrorBox message={error} />
          <button className="btn primary wide" type="submit">{t('auth.resetSubmit')}</button>
        </form>
      )}
      <p className="auth-links">
        {!done && <button type="button" className="btn link" onClick={onBack}>{t('auth.noCode')}</button>}
        <Link to="/connexion" label={t('auth.backToSignIn')} />
      </p>
    </AuthFrame>
  );
}

/** A reset token as the server issues it (32 random bytes, base64url): anything else cannot be valid. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{10,100}$/;

export function ResetPassword() {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? query(location.pathname + location.search).get('token') ?? '';
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const [error, setError] = useState('');
  const [dead, setDead] = useState(!TOKEN_SHAPE.test(token));
  const req = useRequiredFields();
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const wrong = req.check(e.currentTarget) || checkNew(next, confirm);
    setError(wrong);
    if (wrong) return;
    try {
      await auth.resetPassword(token, next);
      setDone(true);
    } catch (err) {
      if (err instanceof HttpError && err.code === 'invalid-token') {
        setError(t('auth.resetInvalid'));
        setDead(true);
      } else setError(formErrorText(err));
    }
  }
  return (
    <AuthFrame title={t('auth.resetTitle')}>
      {done ? (
        <p role="status">{t('auth.resetDone')}</p>
      ) : dead && !error ? (
        // A link cut by the mail reader, or opened without its token: say so before anything is typed.
        <p className="form-error" role="alert">{t('auth.resetInvalid')}</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <NewPasswordFields prefix="reset" next={next} confirm={confirm} setNext={setNext} setConfirm={setConfirm} field={req.field} />
          <ErrorBox message={error} />
          <button className="btn primary wide" type="submit">{t('auth.resetSubmit')}</button>
        </form>
      )}
      <p className="auth-links">
        {dead && !done && <Link to="/connexion/mot-de-passe-perdu" label={t('auth.resetAskAgain')} />}
        <Link to="/connexion" label={t('auth.backToSignIn')} />
      </p>
    </AuthFrame>
  );
}
