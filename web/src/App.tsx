/** Top-level state machine: signed out → (second factor) → (password change) → mail. */
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Jmap } from './api/jmap.ts';
import { currentSession, type Account, type SignInStep, type WebBoot } from './api/auth.ts';
import { forget } from './api/prefetch.ts';
import { startBoot } from './mail/data.ts';
import { setUnauthorizedHandler } from './api/http.ts';
import { formatListDate, formatSize, t, tn, useLang } from './i18n/index.ts';
import { currentPath, navigate, segments, useLocation } from './router.ts';
import { SignIn, SecondFactor, ChangePassword, failureText } from './auth/SignIn.tsx';
import { LostPassword, ResetPassword } from './auth/Recover.tsx';
import { EnrolSecondFactor } from './auth/Enrol.tsx';
import { MailApp } from './mail/MailApp.tsx';
import { WARMING } from './codeCache.ts';

const HelpCentre = lazy(() => import('./help/Help.tsx'));

/** This tab's last bootstrap (sessionStorage, removed at sign-out with the other preau.jmap.* keys). */
const BOOT_KEY = 'preau.jmap.boot';
interface SavedBoot extends WebBoot { account: Account; until?: number }

/** The folder the mail screen will list first: the one in the URL, else the inbox; none for other screens. */
function firstFolder(inboxId: string | null): string | null {
  const seg = segments(currentPath());
  if (seg[0] === 'mail') return seg[1] ?? inboxId;
  return !seg[0] || seg[0] === 'connexion' ? inboxId : null;
}

/**
 * A reload with this tab's session, not yet idle-expired when last seen: the mail screen's first
 * requests leave now and the mail screen renders at once, while /api/me confirms the session; if
 * /api/me disagrees (revoked meanwhile, another account, a step to complete), its answer wins.
 */
const early: { saved: SavedBoot; jmap: Jmap } | null = (() => {
  if (WARMING) return null;
  try {
    const saved = JSON.parse(sessionStorage.getItem(BOOT_KEY) ?? 'null') as SavedBoot | null;
    if (!saved?.session?.apiUrl || !saved.account?.address || !saved.until || Date.now() > saved.until - 60_000) return null;
    const jmap = new Jmap(saved.session);
    startBoot(jmap, firstFolder(saved.inboxId), true);
    if (currentPath() === '/' || segments(currentPath())[0] === 'connexion') navigate('/mail', true);
    return { saved, jmap };
  } catch {
    return null;
  }
})();
// On the sign-in page, while the user types: build the date, size and plural formats of the
// message list now (the first Intl objects load locale data), not in the first list render.
if (!early && !WARMING && typeof requestIdleCallback === 'function') {
  requestIdleCallback(() => {
    formatListDate(new Date().toISOString());
    formatListDate('2000-01-01T00:00:00Z');
    formatListDate(new Date(Date.now() - 40 * 86400_000).toISOString());
    formatSize(2048);
    tn('list.count', 2);
  });
}
// The JMAP session is asked for only once /api/me says we are signed in: an unauthenticated
// JMAP request gets a Basic challenge (RFC 7617), which would make the browser show its own
// password prompt (the prefetch above sends X-Requested-With, which spares it).
const firstSession = WARMING ? new Promise<null>(() => {}) : currentSession();

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
  const [phase, setPhase] = useState<Phase>(() => (early ? { kind: 'ready', jmap: early.jmap, me: early.saved.account } : { kind: 'loading' }));

  const enter = useCallback(async (account: Account | null, boot?: WebBoot, until?: number) => {
    try {
      if (early && early.saved.account.address !== account?.address) forget(`${early.jmap.accountId}|`);
      const jmap = boot ? fromBoot(account, boot, until) : await connectCached(account);
      const me: Account = account ?? { id: 0, address: jmap.session.username };
      setPhase({ kind: 'ready', jmap, me });
      if (segments(currentPath())[0] === 'connexion' || currentPath().split('?')[0] === '/') navigate('/mail', true);
    } catch (e) {
      setPhase({ kind: 'error', message: failureText(e) });
    }
  }, []);

  const onStep = useCallback(
    (s: SignInStep) => {
      if (s.step === 'second-factor') setPhase({ kind: 'second-factor', methods: s.methods });
      else if (s.step === 'change-password') setPhase({ kind: 'change-password' });
      else if (s.step === 'enrol') setPhase({ kind: 'enrol' });
      else void enter(s.account, s.boot, s.expiresAt);
    },
    [enter],
  );

  useEffect(() => {
    setUnauthorizedHandler(() => {
      dropBoot();
      setPhase({ kind: 'signed-out' });
    });
    // A reload with this tab's session started on the mail screen (see `early`).
    let entered: string | null = early ? early.saved.account.address : null;
    void firstSession.then((s) => {
      // A pending second factor cannot be resumed after a reload: start again.
      if (!s || s.step !== 'done') dropBoot();
      if (s?.step === 'done' && entered !== null && s.account?.address === entered) {
        if (s.boot) saveBoot(s.account, s.boot, s.expiresAt);
        return;
      }
      entered = s?.step === 'done' ? s.account?.address ?? '' : entered;
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
 * The sign-in answer (or /api/me) carried the JMAP session and the inbox id: the first list
 * request leaves at once (docs/architecture.md, web client), and the next reload of this tab
 * can send it before /api/me answers.
 */
function fromBoot(account: Account | null, boot: WebBoot, until?: number): Jmap {
  const jmap = new Jmap(boot.session);
  if (account) saveBoot(account, boot, until);
  try {
    // MailApp starts its list with this folder before Mailbox/get answers.
    if (boot.inboxId) localStorage.setItem(`preau.inbox.${jmap.accountId}`, boot.inboxId);
  } catch {
    // Storage disabled: no cache.
  }
  startBoot(jmap, firstFolder(boot.inboxId));
  return jmap;
}

/** Signed out (or a step to complete): no prefetched answer, no mail screen at the next load. */
function dropBoot(): void {
  forget();
  try {
    sessionStorage.removeItem(BOOT_KEY);
  } catch {
    // Storage disabled.
  }
}

function saveBoot(account: Account, boot: WebBoot, until?: number): void {
  try {
    sessionStorage.setItem(BOOT_KEY, JSON.stringify({ session: boot.session, inboxId: boot.inboxId, account, until } satisfies SavedBoot));
  } catch {
    // Storage full or disabled: no cache.
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
