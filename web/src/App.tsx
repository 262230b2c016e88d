/** Top-level state machine: signed out → (second factor) → (password change) → mail. */
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Jmap } from './api/jmap.ts';
import { currentSession, type Account, type SignInStep } from './api/auth.ts';
import { setUnauthorizedHandler } from './api/http.ts';
import { t, useLang } from './i18n/index.ts';
import { navigate, segments, useLocation } from './router.ts';
import { SignIn, SecondFactor, ChangePassword, LostPassword, ResetPassword } from './auth/SignIn.tsx';
import { EnrolSecondFactor } from './auth/Enrol.tsx';
import { MailApp } from './mail/MailApp.tsx';

const HelpCentre = lazy(() => import('./help/Help.tsx'));

type Phase =
  | { kind: 'loading' }
  | { kind: 'signed-out' }
  | { kind: 'second-factor'; methods: string[] }
  | { kind: 'change-password' }
  | { kind: 'enrol' }
  | { kind: 'ready'; jmap: Jmap; me: Account }
  | { kind: 'error'; message: string };

export function App() {
  useLang();
  const path = useLocation();
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });

  const enter = useCallback(async (account: Account | null, early?: Promise<Jmap | null>) => {
    try {
      const jmap = (await early) ?? (await connectCached(account));
      const me: Account = account ?? { id: 0, address: jmap.session.username };
      setPhase({ kind: 'ready', jmap, me });
      if (segments(location.pathname)[0] === 'connexion' || location.pathname === '/') navigate('/mail', true);
    } catch (e) {
      setPhase({ kind: 'error', message: (e as Error).message });
    }
  }, []);

  const onStep = useCallback(
    (s: SignInStep) => {
      if (s.step === 'second-factor') setPhase({ kind: 'second-factor', methods: s.methods });
      else if (s.step === 'change-password') setPhase({ kind: 'change-password' });
      else if (s.step === 'enrol') setPhase({ kind: 'enrol' });
      else void enter(s.account);
    },
    [enter],
  );

  useEffect(() => {
    setUnauthorizedHandler(() => setPhase({ kind: 'signed-out' }));
    // The JMAP session is asked for only once /api/me says we are signed in: an unauthenticated
    // JMAP request gets a Basic challenge (RFC 7617), which would make the browser show its own
    // password prompt.
    void currentSession().then((s) => {
      // A pending second factor cannot be resumed after a reload: start again.
      if (!s || s.step === 'second-factor') setPhase({ kind: 'signed-out' });
      else onStep(s);
    });
  }, [onStep, enter]);

  const seg = segments(path);
  if (seg[0] === 'aide' && phase.kind !== 'ready') {
    return (
      <Suspense fallback={<Loading />}>
        <HelpCentre standalone />
      </Suspense>
    );
  }
  switch (phase.kind) {
    case 'loading':
      return <Loading />;
    case 'error':
      return (
        <main className="auth-page" id="main">
          <div className="auth-card" role="alert">
            <h1>{t('app.errorTitle')}</h1>
            <p>{phase.message}</p>
            <button className="btn primary" type="button" onClick={() => location.reload()}>{t('app.retry')}</button>
          </div>
        </main>
      );
    case 'second-factor':
      return <SecondFactor methods={phase.methods} onStep={onStep} onCancel={() => setPhase({ kind: 'signed-out' })} />;
    case 'change-password':
      return <ChangePassword onStep={onStep} />;
    case 'enrol':
      return <EnrolSecondFactor onDone={() => void enter(null)} />;
    case 'ready':
      return <MailApp jmap={phase.jmap} me={phase.me} onSignedOut={() => { setPhase({ kind: 'signed-out' }); navigate('/connexion', true); }} />;
    case 'signed-out':
      if (seg[0] === 'connexion' && seg[1] === 'mot-de-passe-perdu') return <LostPassword />;
      // docs/api.md: the reset link is <publicUrl>/reset-password#token=…
      if (seg[0] === 'reset-password') return <ResetPassword />;
      return <SignIn onStep={onStep} />;
  }
}

/**
 * The JMAP session resource (RFC 8620 §2) changes rarely: reuse this tab's copy at once and
 * refresh it in the background, saving a round trip before the first list request.
 */
async function connectCached(account: Account | null): Promise<Jmap> {
  const key = `preau.jmap.${account?.address ?? ''}`;
  let cached: Jmap['session'] | null = null;
  try {
    cached = account ? (JSON.parse(sessionStorage.getItem(key) ?? 'null') as Jmap['session'] | null) : null;
  } catch {
    cached = null;
  }
  const save = (j: Jmap) => {
    try {
      if (account) sessionStorage.setItem(key, JSON.stringify(j.session));
    } catch {
      // Storage full or disabled: no cache.
    }
  };
  if (cached?.apiUrl) {
    const jmap = new Jmap(cached);
    void Jmap.connect(true).then((fresh) => { jmap.session = fresh.session; save(fresh); }).catch(() => {});
    return jmap;
  }
  const jmap = await Jmap.connect();
  save(jmap);
  return jmap;
}

function Loading() {
  return (
    <div className="loading-screen" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{t('app.loading')}</span>
    </div>
  );
}
