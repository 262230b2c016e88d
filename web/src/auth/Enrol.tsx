/** Two-factor enrolment: TOTP (RFC 6238) with a QR code, then recovery codes shown once. */
import { useState, type FormEvent } from 'react';
import { security } from '../api/auth.ts';
import { t } from '../i18n/index.ts';
import { failureText } from './SignIn.tsx';

export function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <div className="recovery-codes" role="region" aria-label={t('security.recoveryCodes')}>
      <p>{t('security.recoveryCodesOnce')}</p>
      <ul className="codes">{codes.map((c) => <li key={c}><code>{c}</code></li>)}</ul>
      <button type="button" className="btn" onClick={() => void navigator.clipboard?.writeText(codes.join('\n'))}>{t('common.copy')}</button>
    </div>
  );
}

export function TotpSetup({ onEnabled }: { onEnabled: (codes: string[] | null) => void }) {
  const [setup, setSetup] = useState<{ secret: string; qrDataUrl: string } | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  async function start() {
    setError('');
    try {
      setSetup(await security.totpSetup());
    } catch (e) {
      setError(failureText(e));
    }
  }
  async function confirm(e: FormEvent) {
    e.preventDefault();
    setError('');
    try {
      const r = await security.totpConfirm(code.replace(/\s/g, ''));
      onEnabled(r.recoveryCodes);
    } catch (err) {
      setError(failureText(err));
    }
  }
  if (!setup) {
    return (
      <div>
        <p>{t('security.totpIntro')}</p>
        {error && <p className="form-error" role="alert">{error}</p>}
        <button type="button" className="btn primary" onClick={start}>{t('security.totpStart')}</button>
      </div>
    );
  }
  return (
    <form onSubmit={confirm} className="totp-setup">
      <ol>
        <li>{t('security.totpStep1')}</li>
        <li>
          {t('security.totpStep2')}
          <img className="qr" src={setup.qrDataUrl} alt={t('security.totpQrAlt')} width={200} height={200} />
          <details>
            <summary>{t('security.totpManual')}</summary>
            <code className="secret">{setup.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
          </details>
        </li>
        <li>
          <label htmlFor="totp-confirm">{t('security.totpStep3')}</label>
          <input id="totp-confirm" inputMode="numeric" autoComplete="one-time-code" required value={code} onChange={(e) => setCode(e.target.value)} />
        </li>
      </ol>
      {error && <p className="form-error" role="alert">{error}</p>}
      <button type="submit" className="btn primary">{t('security.totpConfirm')}</button>
    </form>
  );
}

/** Shown when the role requires two-factor and the account has none (docs/api.md). */
export function EnrolSecondFactor({ onDone }: { onDone: () => void }) {
  const [codes, setCodes] = useState<string[] | null>(null);
  const [enabled, setEnabled] = useState(false);
  return (
    <div className="auth-page">
      <main className="auth-card wide" id="main">
        <h1>{t('security.enrolTitle')}</h1>
        <p className="muted">{t('security.enrolIntro')}</p>
        {!enabled && <TotpSetup onEnabled={(c) => { setEnabled(true); setCodes(c); if (!c) onDone(); }} />}
        {codes && (
          <>
            <RecoveryCodes codes={codes} />
            <button type="button" className="btn primary" onClick={onDone}>{t('common.continue')}</button>
          </>
        )}
      </main>
    </div>
  );
}
