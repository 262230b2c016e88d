/** Security page (docs/api.md "Security page"): advice, sessions, two-factor, recovery codes, passkeys, app passwords, history. */
import { useEffect, useState, type FormEvent } from 'react';
import { security, signOut, type Account, type SecurityOverview, type Passkey, type SignInEntry } from '../api/auth.ts';
import { formatFullDate, getLang, t } from '../i18n/index.ts';
import { toast } from '../ui/toast.tsx';
import { failureText } from '../auth/SignIn.tsx';
import { RecoveryCodes, TotpSetup } from '../auth/Enrol.tsx';

const fail = (e: unknown) => toast(failureText(e), { error: true });

function PasswordPrompt({ label, onSubmit }: { label: string; onSubmit: (password: string) => void }) {
  const [pw, setPw] = useState('');
  const id = `pw-${label.replace(/\W/g, '')}`;
  return (
    <form className="inline-form" onSubmit={(e: FormEvent) => { e.preventDefault(); onSubmit(pw); setPw(''); }}>
      <label htmlFor={id}>{t('security.confirmPassword')}</label>
      <input id={id} type="password" autoComplete="current-password" required value={pw} onChange={(e) => setPw(e.target.value)} />
      <button type="submit" className="btn">{label}</button>
    </form>
  );
}

/**
 * The personal address that receives "Mot de passe perdu ?" links (docs/api.md "Recovery
 * address"): set, changed or removed with the current password. The account's own address is
 * refused here: a locked-out user cannot read it.
 */
function RecoveryEmail({ current, own, onSaved }: { current: string | null; own: string; onSaved: () => void }) {
  const [email, setEmail] = useState(current ?? '');
  const [pw, setPw] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = email.trim();
    if (next && next.toLowerCase() === own.toLowerCase()) return setError(t('security.recoveryOwn'));
    setError(null);
    void security.recoveryEmail(next || null, pw).then(() => {
      setPw('');
      toast(next ? t('security.recoverySaved') : t('security.recoveryRemoved'));
      onSaved();
    }, (err) => setError(failureText(err)));
  };
  return (
    <form className="stack-form" onSubmit={submit} noValidate>
      <p>{current ? t('security.recoveryCurrent', { address: current }) : t('security.recoveryNone')}</p>
      <label htmlFor="recovery-email">{t('security.recoveryEmail')}</label>
      <input id="recovery-email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} aria-describedby={`recovery-hint${error ? ' recovery-error' : ''}`} aria-invalid={error ? true : undefined} />
      <p id="recovery-hint" className="muted small">{t('security.recoveryHint')}</p>
      <label htmlFor="recovery-pw">{t('security.confirmPassword')}</label>
      <input id="recovery-pw" type="password" autoComplete="current-password" value={pw} onChange={(e) => setPw(e.target.value)} />
      {error && <p id="recovery-error" className="form-error" role="alert">{error}</p>}
      <button type="submit" className="btn">{t('common.save')}</button>
    </form>
  );
}

export function SecurityPage({ me }: { me: Account }) {
  const [o, setO] = useState<SecurityOverview | null>(null);
  const [passkeys, setPasskeys] = useState<Passkey[]>([]);
  const [history, setHistory] = useState<SignInEntry[]>([]);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [newAppPw, setNewAppPw] = useState<string | null>(null);
  const [appName, setAppName] = useState('');
  const load = () => {
    void security.overview().then(setO).catch(fail);
    void security.passkeys().then(setPasskeys).catch(() => {});
    void security.signIns().then(setHistory).catch(() => {});
  };
  useEffect(load, []);
  // The same heading as the other settings sections (Settings.tsx), loading or not.
  if (!o) return <section aria-labelledby="s-security"><h2 id="s-security">{t('settings.security')}</h2><p role="status">{t('app.loading')}</p></section>;
  const en = getLang() === 'en';

  const addPasskey = async () => {
    try {
      const opts = await security.passkeyOptions();
      const cred = (await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(opts) })) as PublicKeyCredential | null;
      if (!cred) return;
      const r = await security.passkeyRegister(cred.toJSON(), window.prompt(t('security.passkeyName'), t('security.passkeyDefaultName')) || t('security.passkeyDefaultName'));
      if (r.recoveryCodes) setCodes(r.recoveryCodes);
      load();
    } catch (e) {
      fail(e);
    }
  };

  return (
    <section className="security" aria-labelledby="s-security"><h2 id="s-security">{t('settings.security')}</h2>
      <section aria-labelledby="sec-advice"><h3 id="sec-advice">{t('security.advice')}</h3>
        <ul className="advice">
          {/* docs/api.md: each advice states a problem; status "ok" means it does not apply. */}
          {o.advice.filter((a) => a.status === 'warning').map((a) => <li key={a.code} className="warning"><span aria-hidden="true">⚠ </span>{en ? a.en : a.fr}</li>)}
          {!o.advice.some((a) => a.status === 'warning') && <li className="ok"><span aria-hidden="true">✔ </span>{t('security.allGood')}</li>}
        </ul>
        <p className="muted small">{t('security.account', { address: me.address })}</p>
      </section>

      <section aria-labelledby="sec-sessions"><h3 id="sec-sessions">{t('security.sessions')}</h3>
        <ul className="plain-list">
          {o.sessions.map((s) => (
            <li key={s.id}>
              <strong>{[s.browser, s.device].filter(Boolean).join(' · ') || t('security.unknownDevice')}</strong>
              {s.current && <span className="tag">{t('security.thisSession')}</span>}
              {s.sharedComputer && <span className="tag">{t('auth.sharedComputer')}</span>}
              <span className="muted small block">{s.ip} · {t('security.lastSeen', { date: formatFullDate(s.lastSeenAt ?? s.createdAt) })}</span>
              {!s.current && <button type="button" className="btn small" onClick={() => void security.revokeSession(s.id).then(load, fail)}>{t('security.revoke')}</button>}
            </li>
          ))}
        </ul>
        <button type="button" className="btn danger" onClick={() => void security.revokeAll().then((r) => { toast(t('security.revokedAll', { n: r.revoked })); load(); }, fail)}>{t('security.signOutEverywhere')}</button>
        <button type="button" className="btn" onClick={() => void signOut().then(() => location.assign('/connexion'))}>{t('app.signOut')}</button>
      </section>

      <section aria-labelledby="sec-recovery"><h3 id="sec-recovery">{t('security.recoveryTitle')}</h3>
        <RecoveryEmail key={o.recoveryEmail ?? ''} current={o.recoveryEmail} own={me.address} onSaved={load} />
      </section>

      <section aria-labelledby="sec-2fa"><h3 id="sec-2fa">{t('security.twoFactor')}</h3>
        <p>{o.twoFactor.enabled ? t('security.twoFactorOn') : t('security.twoFactorOff')}</p>
        {codes && <RecoveryCodes codes={codes} />}
        {!o.twoFactor.totp && <TotpSetup onEnabled={(c) => { setCodes(c); load(); }} />}
        {o.twoFactor.totp && <PasswordPrompt label={t('security.totpDisable')} onSubmit={(pw) => void security.totpDisable(pw).then(load, fail)} />}
        {o.twoFactor.enabled && (
          <>
            <h4>{t('security.recoveryCodes')}</h4>
            <p>{t('security.recoveryLeft', { n: o.twoFactor.recoveryCodesLeft })}</p>
            <PasswordPrompt label={t('security.newRecoveryCodes')} onSubmit={(pw) => void security.recoveryCodes(pw).then((r) => setCodes(r.recoveryCodes), fail)} />
          </>
        )}
        <h4>{t('security.passkeys')}</h4>
        <ul className="plain-list">
          {passkeys.map((p) => (
            <li key={p.id}>{p.name} <span className="muted small">{formatFullDate(p.createdAt)}</span>
              <button type="button" className="btn small" onClick={() => void security.passkeyDelete(p.id).then(load, fail)}>{t('common.remove')}<span className="sr-only"> {p.name}</span></button>
            </li>
          ))}
        </ul>
        {typeof PublicKeyCredential !== 'undefined' && <button type="button" className="btn" onClick={() => void addPasskey()}>{t('security.addPasskey')}</button>}
      </section>

      <section aria-labelledby="sec-app"><h3 id="sec-app">{t('security.appPasswords')}</h3>
        <p className="muted">{t('security.appPasswordsIntro')}</p>
        {newAppPw && <p className="banner info" role="status">{t('security.appPasswordShown')} <code className="secret">{newAppPw}</code></p>}
        <ul className="plain-list">
          {o.appPasswords.map((a) => (
            <li key={a.id}><strong>{a.name}</strong> <span className="muted small">{a.protocols.join(', ')} · {a.lastUsedAt ? t('security.lastUsed', { date: formatFullDate(a.lastUsedAt) }) : t('security.neverUsed')}</span>
              <button type="button" className="btn small" onClick={() => void security.appPasswordDelete(a.id).then(load, fail)}>{t('common.remove')}<span className="sr-only"> {a.name}</span></button>
            </li>
          ))}
        </ul>
        <label htmlFor="app-name">{t('security.appName')}</label>
        <input id="app-name" value={appName} onChange={(e) => setAppName(e.target.value)} placeholder="Thunderbird" />
        <PasswordPrompt label={t('security.createAppPassword')} onSubmit={(pw) => void security.appPasswordCreate(appName || 'Thunderbird', ['imap', 'smtp', 'dav'], pw).then((r) => { setNewAppPw(r.password); setAppName(''); load(); }, fail)} />
      </section>

      <section aria-labelledby="sec-hist"><h3 id="sec-hist">{t('security.history')}</h3>
        <table className="data-table">
          <caption className="sr-only">{t('security.history')}</caption>
          <thead><tr><th scope="col">{t('security.when')}</th><th scope="col">{t('security.where')}</th><th scope="col">{t('security.how')}</th><th scope="col">{t('security.result')}</th></tr></thead>
          <tbody>
            {(history.length ? history : o.recentSignIns).map((h) => (
              <tr key={h.id}><td>{formatFullDate(h.at)}</td><td>{h.ip}</td><td>{h.protocol.toUpperCase()} {h.browser ?? ''}</td><td className={h.result === 'success' ? 'ok' : 'bad'}>{t(h.result === 'success' ? 'security.success' : h.result === 'throttled' ? 'security.throttled' : 'security.failure')}</td></tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}
