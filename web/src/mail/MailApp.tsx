/** The signed-in shell: header, folders, list, reader, composer, settings, help; push and shortcuts. */
import { lazy, Suspense, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Jmap } from '../api/jmap.ts';
import { clientConfig, signOut, type Account } from '../api/auth.ts';
import { formatFullDate, t, tn } from '../i18n/index.ts';
import { navigate, query, segments, useLocation } from '../router.ts';
import { applyServerCalendar, usePrefs, isWorkingTime } from '../prefs.ts';
import { Toasts, toast } from '../ui/toast.tsx';
import { reasonText } from '../ui/errors.ts';
import { Icon } from '../ui/Icon.tsx';
import { byRole, copyEmails, getFull, peekFull, getThread, reportPhishing, VERDICT, getIdentities, moveEmails, destroyEmails, setKeyword, type EmailFull, type Identity, type Mailbox } from './data.ts';
import { FolderList, QuotaBanner, QuotaGauge, roleName } from './FolderList.tsx';
import { MessageList, type ListHandle } from './MessageList.tsx';
import { useMailboxes } from './useMailboxes.ts';
import { Reader } from './Reader.tsx';
import { Conversation } from './Conversation.tsx';
import { hiddenMailboxes, scopeOf, visibleMembers } from './threads.ts';
import { Actions } from './Actions.tsx';
import { SearchBar, searchFilter } from './SearchBar.tsx';
import { ShortcutHelp, useShortcuts } from './Shortcuts.tsx';
import { FolderManager } from './FolderManager.tsx';
import type { ComposeRequest, SendJob } from '../compose/types.ts';
import { cancelScheduled, runSend } from '../compose/send.ts';
import { warmCodeCache } from '../codeCache.ts';
import { ScheduledBanner, usePendingSends } from './Scheduled.tsx';

const Composer = lazy(() => import('../compose/Composer.tsx'));
const Settings = lazy(() => import('../settings/Settings.tsx'));
const HelpCentre = lazy(() => import('../help/Help.tsx'));
const StorageAssistant = lazy(() => import('./StorageAssistant.tsx'));

export function MailApp({ jmap, me, onSignedOut }: { jmap: Jmap; me: Account; onSignedOut: () => void }) {
  const path = useLocation();
  const seg = segments(path);
  const prefs = usePrefs();
  const [identities, setIdentities] = useState<Identity[]>([]);
  const [version, setVersion] = useState(0);
  const { boxes, quota, refresh } = useMailboxes(jmap, () => setVersion((v) => v + 1));
  const [open, setOpen] = useState<EmailFull | null>(null);
  const [thread, setThread] = useState<EmailFull[] | undefined>(undefined);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [compose, setCompose] = useState<ComposeRequest | null>(null);
  const [navOpen, setNavOpen] = useState(false);
  const [dialog, setDialog] = useState<'shortcuts' | 'folders' | null>(null);
  const list = useRef<ListHandle | null>(null);
  const lastChecked = useRef<string | null>(null);

  const section = seg[0] ?? 'mail';
  const isSearch = section === 'recherche';
  const inbox = byRole(boxes, 'inbox');
  // The inbox id of the last visit lets the list start before Mailbox/get answers.
  const cachedInbox = useMemo(() => { try { return localStorage.getItem(`preau.inbox.${jmap.accountId}`); } catch { return null; } }, [jmap]);
  const mailboxId = section === 'mail' ? seg[1] ?? inbox?.id ?? cachedInbox ?? null : null;
  const openId = section === 'mail' ? seg[2] ?? null : isSearch ? seg[1] ?? null : null;
  const current = boxes.find((b) => b.id === mailboxId) ?? null;
  const sf = isSearch ? searchFilter(query(path)) : null;
  const filter = useMemo(() => (isSearch ? sf : mailboxId ? { inMailbox: mailboxId } : null), [isSearch, JSON.stringify(sf), mailboxId]); // eslint-disable-line react-hooks/exhaustive-deps
  // Conversation view: Trash and Junk messages stay out of conversations listed elsewhere.
  const hidden = useMemo(() => hiddenMailboxes(boxes, mailboxId), [boxes, mailboxId]);
  const hiddenRef = useRef(hidden);
  hiddenRef.current = hidden;

  useEffect(() => { void getIdentities(jmap).then(setIdentities); }, [jmap]);

  // Droit à la déconnexion: the institution's working time and school holidays.
  useEffect(() => { void clientConfig().then(applyServerCalendar); }, []);
  // Once the screen is idle (web/src/codeCache.ts).
  useEffect(warmCodeCache, []);


  // Open the message named in the URL; mark it read. A layout effect: React renders its state
  // updates before the browser paints (a passive effect's would wait for a later task).
  useLayoutEffect(() => {
    if (!openId) return setOpen(null);
    let cancelled = false;
    const show = (e: EmailFull | null) => {
      if (cancelled) return;
      setOpen(e);
      setThread(undefined);
      if (e && prefs.conversations) void getThread(jmap, e.threadId).then((list) => {
        if (cancelled) return;
        setThread(list);
        // Opening a conversation reads it: every unread message it shows gets $seen (RFC 8621 §4.1.1).
        const unseen = visibleMembers(list.length ? list : [e], hiddenRef.current).filter((x) => !x.keywords.$seen).map((x) => x.id);
        if (!unseen.length) return;
        void setKeyword(jmap, unseen, '$seen', true).then(() => {
          const seen = (x: EmailFull) => (unseen.includes(x.id) ? { ...x, keywords: { ...x.keywords, $seen: true } } : x);
          if (!cancelled) { setThread((l) => l?.map(seen)); setOpen((o) => o && seen(o)); }
          setVersion((v) => v + 1);
          void refresh();
        });
      });
      if (e && !e.keywords.$seen && !prefs.conversations) void setKeyword(jmap, [e.id], '$seen', true).then(() => { setVersion((v) => v + 1); void refresh(); });
      requestAnimationFrame(() => document.getElementById('reader-subject')?.focus());
    };
    // A body fetched ahead (the rows in view) shows in the frame of the click that opened it.
    const ready = peekFull(jmap, openId);
    if (ready) show(ready);
    else void getFull(jmap, openId).then(show);
    return () => { cancelled = true; };
  }, [jmap, openId, refresh, prefs.conversations]);

  useEffect(() => setChecked(new Set()), [mailboxId, isSearch]);

  const base = isSearch ? '/recherche' : `/mail/${encodeURIComponent(mailboxId ?? '')}`;
  const search = isSearch ? path.slice(path.indexOf('?')) : '';
  const openEmail = (id: string) => navigate(`${base}/${encodeURIComponent(id)}${search}`);
  const closeEmail = () => navigate(`${base}${search}`);

  // Conversation view: a row, or the open conversation, stands for its messages in the listed mailbox.
  const conversationOpen = prefs.conversations && !!open && !checked.size;
  const threadScope = conversationOpen && open && thread?.length ? scopeOf(thread, filter, open).map((e) => e.id) : null;
  const targets = checked.size ? (list.current?.expand?.([...checked]) ?? [...checked]) : open ? threadScope ?? [open.id] : [];
  // `keep`: the action leaves the open message where it is (flag, copy): the reader stays open and
  // shows the change; any other action on it (move, delete, mark unread) goes back to the list.
  // Flag or unflag: the open message's state, or for a selection, unflag only when all are flagged.
  const targetsFlagged = checked.size ? (list.current?.flagged?.([...checked]) ?? false) : !!open?.keywords.$flagged;
  // `label` may be worked out once the action is done (a partial refusal is said as an error).
  const after = async (label: string | (() => { text: string; error?: boolean }), fn: () => Promise<void>, undo?: () => Promise<void>, keep?: (e: EmailFull) => EmailFull) => {
    const ids = targets;
    try {
      await fn();
      const said = typeof label === 'string' ? { text: label } : label();
      if (open && ids.includes(open.id)) {
        if (keep) {
          const upd = (e: EmailFull) => (ids.includes(e.id) ? keep(e) : e);
          setOpen((o) => o && upd(o));
          setThread((l) => l?.map(upd));
        } else closeEmail();
      }
      setChecked(new Set());
      setVersion((v) => v + 1);
      void refresh();
      toast(said.text, undo ? { action: { label: t('common.undo'), run: () => void undo().then(() => { setVersion((v) => v + 1); void refresh(); }) } } : { error: said.error });
    } catch (e) {
      toast(t('app.actionFailed', { reason: reasonText(e) }), { error: true });
    }
  };
  const moveTo = (to: Mailbox | undefined, label: string, ids = targets) => {
    if (!to || !ids.length) return;
    const from = mailboxId;
    void after(label, () => moveEmails(jmap, ids, to.id), from ? () => moveEmails(jmap, ids, from) : undefined);
  };
  const actions = {
    archive: () => moveTo(byRole(boxes, 'archive'), tn('action.archived', targets.length)),
    remove: () => {
      const trash = byRole(boxes, 'trash');
      if (!trash || mailboxId === trash.id) {
        // RFC 8620 §5.3: ids in notDestroyed stay on the server; say so, and they stay listed (the list is re-read).
        const ids = targets;
        let refused: string[] = [];
        void after(() => (refused.length ? { text: tn('action.notDeleted', refused.length, { done: ids.length - refused.length }), error: true } : { text: tn('action.deleted', ids.length) }),
          async () => { refused = await destroyEmails(jmap, ids); });
      }
      else moveTo(trash, tn('action.trashed', targets.length));
    },
    spam: () => moveTo(byRole(boxes, 'junk'), tn('action.spammed', targets.length)),
    phishing: () => (jmap.has(VERDICT) ? void after(t('action.reported'), () => reportPhishing(jmap, targets)) : moveTo(byRole(boxes, 'junk'), t('action.reported'))),
    notSpam: () => moveTo(inbox, tn('action.unspammed', targets.length)),
    move: (id: string) => moveTo(boxes.find((b) => b.id === id), tn('action.moved', targets.length)),
    copy: (id: string) => void after(tn('action.copied', targets.length), () => copyEmails(jmap, targets, id), undefined, (e) => ({ ...e, mailboxIds: { ...e.mailboxIds, [id]: true } })),
    read: (on: boolean) => void after(on ? t('action.markedRead') : t('action.markedUnread'), () => setKeyword(jmap, targets, '$seen', on)),
    flag: (on: boolean) => void after(on ? t('action.flagged') : t('action.unflagged'), () => setKeyword(jmap, targets, '$flagged', on), undefined, (e) => {
      const keywords = { ...e.keywords };
      if (on) keywords.$flagged = true;
      else delete keywords.$flagged;
      return { ...e, keywords };
    }),
    reply: (mode: ComposeRequest['mode']) => open && setCompose({ mode, source: open }),
  };

  const step = (delta: number) => {
    const ids = list.current?.ids() ?? [];
    const i = open ? ids.indexOf(open.id) : -1;
    const next = ids[Math.max(0, Math.min(ids.length - 1, i + delta))];
    if (next) openEmail(next);
  };

  useShortcuts(!compose && !dialog, {
    c: () => setCompose({ mode: 'new' }),
    r: () => actions.reply('reply'),
    a: () => actions.reply('replyAll'),
    f: () => actions.reply('forward'),
    e: () => targets.length && actions.archive(),
    '#': () => targets.length && actions.remove(),
    Delete: () => targets.length && actions.remove(),
    '!': () => targets.length && actions.spam(),
    s: () => targets.length && actions.flag(!targetsFlagged),
    I: () => targets.length && actions.read(true),
    U: () => targets.length && actions.read(false),
    j: () => step(1),
    k: () => step(-1),
    u: () => closeEmail(),
    '/': () => document.getElementById('search-q')?.focus(),
    '?': () => setDialog('shortcuts'),
  });

  // Scheduled sends still waiting: marked in the list, called back from the reader's banner or the toast.
  const pending = usePendingSends(jmap, version);
  const callBack = (submissionId: string, emailId: string) => cancelScheduled(jmap, submissionId, emailId, boxes)
    .then(() => { toast(t('compose.scheduleCanceled')); if (openId === emailId) closeEmail(); setCompose({ mode: 'draft', draftId: emailId }); setVersion((v) => v + 1); void refresh(); })
    .catch((e) => { toast(t('compose.cancelFailed', { reason: reasonText(e) }), { error: true }); });
  const scheduledNotice = open && pending.get(open.id) ? <ScheduledBanner pending={pending.get(open.id)!} onCancel={(p) => callBack(p.submissionId, p.emailId)} /> : null;

  const onSend = (job: SendJob) => {
    setCompose(null);
    const later = job.sendAt && job.sendAt.getTime() > Date.now() + 60_000;
    let cancelled = false;
    const timer = setTimeout(() => {
      if (cancelled) return;
      void runSend(jmap, job, boxes, identities)
        .then((submissionId) => {
          // A scheduled message can still be called back (RFC 8621 §7.5 undoStatus "canceled").
          const cancel = later && submissionId ? {
            label: t('compose.cancelScheduled'),
            run: () => void callBack(submissionId, job.draftId),
          } : undefined;
          toast(later ? t('compose.scheduledDone', { date: formatFullDate(job.sendAt!) }) : t('compose.sent'), { action: cancel });
          setVersion((v) => v + 1);
          void refresh();
        })
        .catch((e) => { toast(t('compose.sendFailed', { reason: reasonText(e) }), { error: true }); setCompose({ mode: 'draft', draftId: job.draftId }); });
    }, prefs.undoSeconds * 1000);
    toast(later ? t('compose.scheduling') : t('compose.sending', { s: prefs.undoSeconds }), {
      ms: prefs.undoSeconds * 1000,
      action: { label: t('common.undo'), run: () => { cancelled = true; clearTimeout(timer); setCompose({ mode: 'draft', draftId: job.draftId }); } },
    });
  };

  const toggle = (id: string, range: boolean) => {
    const next = new Set(checked);
    if (range && lastChecked.current) {
      const ids = list.current?.ids() ?? [];
      const [a, b] = [ids.indexOf(lastChecked.current), ids.indexOf(id)].sort((x, y) => x - y);
      if (a >= 0) for (let i = a; i <= b; i++) { const x = ids[i]; if (x) next.add(x); }
    } else if (next.has(id)) next.delete(id);
    else next.add(id);
    lastChecked.current = id;
    setChecked(next);
  };

  // RGAA 8.6: a page title that says where one is (and how many unread messages wait).
  const unread = inbox?.unreadEmails ?? 0;
  const screenTitle = section === 'parametres' ? t('settings.title') : section === 'aide' ? t('help.title') : section === 'espace' ? t('storage.title') : open ? open.subject || t('list.noSubject') : isSearch ? t('search.results') : current ? roleName(current) : t('folder.inbox');
  useEffect(() => {
    document.title = `${unread ? `(${unread}) ` : ''}${screenTitle} — ${t('app.name')}`;
  }, [screenTitle, unread]);

  const listLabel = isSearch ? t('search.results') : current ? roleName(current) : t('folder.inbox');
  const showReader = !!open && (section === 'mail' || isSearch);
  const actionBar = (
    <Actions
      count={targets.length}
      conversation={conversationOpen}
      boxes={boxes}
      current={current}
      open={open}
      flagged={targetsFlagged}
      onArchive={actions.archive}
      onDelete={actions.remove}
      onSpam={actions.spam}
      onPhishing={actions.phishing}
      onNotSpam={actions.notSpam}
      onMove={actions.move}
      onCopy={actions.copy}
      onRead={actions.read}
      onFlag={actions.flag}
      onReply={actions.reply}
    />
  );

  let mainContent;
  if (section === 'parametres') mainContent = <Settings jmap={jmap} me={me} identities={identities} onIdentities={setIdentities} />;
  else if (section === 'aide') mainContent = <HelpCentre />;
  else if (section === 'espace') mainContent = <StorageAssistant jmap={jmap} boxes={boxes} quota={quota} onChanged={() => { setVersion((v) => v + 1); void refresh(); }} />;
  else {
    mainContent = (
      <div className={`mail-view pane-${prefs.readingPane}${showReader ? ' reading' : ''}`}>
        <section className="list-pane" aria-label={listLabel}>
          <div className="list-head">
            <h1 className="list-title">{listLabel}</h1>
            {checked.size > 0 ? actionBar : <span className="muted small">{current ? tn('folder.count', current.totalEmails) : ''}</span>}
          </div>
          <QuotaBanner quota={quota} onOpen={() => navigate('/espace')} />
          {filter && (
            <MessageList
              jmap={jmap}
              filter={filter}
              searchFilter={isSearch ? filter : null}
              version={version}
              openId={open?.id ?? null}
              checked={checked}
              label={listLabel}
              showRecipients={current?.role === 'sent' || current?.role === 'drafts'}
              hiddenBoxes={hidden}
              scheduled={pending}
              onOpen={(id) => (current?.role === 'drafts' ? setCompose({ mode: 'draft', draftId: id }) : openEmail(id))}
              onToggle={toggle}
              onLoaded={(h) => { list.current = h; }}
              onPainted={markPainted}
            />
          )}
        </section>
        {showReader && open && <section className="reader-pane" aria-label={t('reader.label')}>{prefs.conversations
          ? <Conversation jmap={jmap} email={open} thread={thread} hidden={hidden} actions={checked.size ? null : actionBar} onBack={closeEmail} notice={scheduledNotice} onReply={(mode, source) => setCompose({ mode, source })} />
          : <Reader jmap={jmap} email={open} actions={checked.size ? null : actionBar} onBack={closeEmail} notice={scheduledNotice} />}</section>}
      </div>
    );
  }

  return (
    <div className={`app${navOpen ? ' nav-open' : ''}`}>
      <a className="skip-link" href="#main">{t('app.skipToContent')}</a>
      <header className="topbar" role="banner">
        <button type="button" className="btn icon menu-toggle" aria-expanded={navOpen} aria-controls="folders-nav" onClick={() => setNavOpen(!navOpen)}>
          <Icon name="menu" /><span className="sr-only">{t('app.menu')}</span>
        </button>
        <a className="brand" href="/mail" aria-label={t('app.name')} onClick={(e) => { e.preventDefault(); navigate('/mail'); }}>
          <span className="logo"><Icon name="mail" /></span><span className="brand-name">{t('app.name')}</span>
        </a>
        <SearchBar />
        <nav className="top-links" aria-label={t('app.accountMenu')}>
          <a href="/aide" className="btn icon" onClick={(e) => { e.preventDefault(); navigate('/aide'); }} title={t('help.title')}>
            <Icon name="help" /><span className="sr-only">{t('help.title')}</span>
          </a>
          <a href="/parametres" className="btn icon" onClick={(e) => { e.preventDefault(); navigate('/parametres'); }} title={t('settings.title')}>
            <Icon name="gear" /><span className="sr-only">{t('settings.title')}</span>
          </a>
          <span className="me" title={me.address}>{me.displayName ?? me.address}</span>
          <button type="button" className="btn" onClick={() => void signOut().finally(onSignedOut)}>{t('app.signOut')}</button>
        </nav>
      </header>
      <nav id="folders-nav" className="sidebar" aria-label={t('folder.navLabel')}>
        <button type="button" className="btn primary compose-btn" onClick={() => { setNavOpen(false); setCompose({ mode: 'new' }); }}>
          <Icon name="pen" />{t('compose.new')}
        </button>
        <FolderList
          boxes={boxes}
          current={section === 'mail' ? mailboxId : null}
          onOpen={(id) => { setNavOpen(false); navigate(`/mail/${encodeURIComponent(id)}`); }}
          onDropEmails={(to, ids) => moveTo(boxes.find((b) => b.id === to), tn('action.moved', ids.length), ids)}
          onManage={() => setDialog('folders')}
        />
        <QuotaGauge quota={quota} onOpen={() => navigate('/espace')} />
        <div className="mobile-links">
          <a href="/parametres" onClick={(e) => { e.preventDefault(); setNavOpen(false); navigate('/parametres'); }}>{t('settings.title')}</a>
          <a href="/aide" onClick={(e) => { e.preventDefault(); setNavOpen(false); navigate('/aide'); }}>{t('help.title')}</a>
          <button type="button" className="btn" onClick={() => void signOut().finally(onSignedOut)}>{t('app.signOut')}</button>
        </div>
        {!isWorkingTime(new Date(), prefs) && prefs.quietHours && <p className="quiet-note small muted">{t('settings.quietNow')}</p>}
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <Suspense fallback={<div className="list-empty" role="status">{t('app.loading')}</div>}>{mainContent}</Suspense>
      </main>
      {compose && (
        <Suspense fallback={<div className="composer-loading" role="status">{t('app.loading')}</div>}>
          <Composer jmap={jmap} request={compose} boxes={boxes} identities={identities} quota={quota} onClose={() => { setCompose(null); setVersion((v) => v + 1); }} onSend={onSend} />
        </Suspense>
      )}
      {dialog === 'shortcuts' && <ShortcutHelp onClose={() => setDialog(null)} />}
      {dialog === 'folders' && <FolderManager jmap={jmap} boxes={boxes} onClose={() => setDialog(null)} onChanged={() => void refresh()}
        onDeleted={(id) => { if (id === mailboxId) navigate(inbox ? `/mail/${encodeURIComponent(inbox.id)}` : '/mail'); }} />}
      <Toasts />
    </div>
  );
}

/** Benchmarks read this mark: first list rows painted. */
function markPainted(): void {
  if (!performance.getEntriesByName('preau:list-painted').length) performance.mark('preau:list-painted');
}
