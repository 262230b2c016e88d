/** Windowed message list (fixed-height rows, useWindow.ts), loading pages of Email/query on demand. */
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useWindow } from './useWindow.ts';
import type { Jmap } from '../api/jmap.ts';
import { formatListDate, formatShortDateTime, formatSize, t, tn } from '../i18n/index.ts';
import { usePrefs } from '../prefs.ts';
import { Icon } from '../ui/Icon.tsx';
import { displayAddress, queryPage, snippets, type EmailSummary } from './data.ts';
import { participantLine, queryThreadPage, type ThreadRow } from './threads.ts';

const PAGE = 60;

export interface ListHandle {
  ids: () => (string | undefined)[];
  total: number;
  /** Conversation view: a row's id stands for the messages of its thread in the listed mailbox. */
  expand?: (ids: string[]) => string[];
  /** Whether every one of these rows (loaded ones) is flagged: "s" and the button then unflag. */
  flagged?: (ids: string[]) => boolean;
}

export function MessageList(props: {
  jmap: Jmap;
  filter: Record<string, unknown> | null;
  searchFilter?: Record<string, unknown> | null;
  version: number;
  openId: string | null;
  checked: Set<string>;
  label: string;
  showRecipients?: boolean;
  /** Conversation view: mailboxes (Trash, Junk) whose messages a conversation leaves out. */
  hiddenBoxes?: string[];
  /** Messages waiting to leave (scheduled send), by Email id: their row says when instead of looking sent. */
  scheduled?: Map<string, { sendAt: string }>;
  onOpen: (id: string) => void;
  onToggle: (id: string, range: boolean) => void;
  onLoaded?: (handle: ListHandle) => void;
  onPainted?: () => void;
}) {
  const prefs = usePrefs();
  const rowHeight = prefs.density === 'compact' ? 52 : 76;
  const [total, setTotal] = useState<number | null>(null);
  const [, force] = useState(0);
  const rows = useRef(new Map<number, ThreadRow>());
  const hidden = useRef(props.hiddenBoxes);
  hidden.current = props.hiddenBoxes;
  const snips = useRef(new Map<string, { subject: string | null; preview: string | null }>());
  const loading = useRef(new Set<number>());
  const generation = useRef(0);
  const parentRef = useRef<HTMLDivElement>(null);
  const key = JSON.stringify(props.filter) + (prefs.conversations ? ':c' : '');

  const loadPage = useCallback(
    async (page: number, gen: number): Promise<number | undefined> => {
      if (loading.current.has(page)) return undefined;
      loading.current.add(page);
      try {
        const r = prefs.conversations ? await queryThreadPage(props.jmap, props.filter, page * PAGE, PAGE, hidden.current) : await queryPage(props.jmap, props.filter, page * PAGE, PAGE);
        if (gen !== generation.current) return undefined;
        r.emails.forEach((e, i) => rows.current.set(page * PAGE + i, e));
        setTotal(r.total);
        if (props.searchFilter) {
          const s = await snippets(props.jmap, props.searchFilter, r.emails.map((e) => e.id));
          s.forEach((v, k) => snips.current.set(k, v));
        }
        force((n) => n + 1);
        return r.total;
      } catch {
        if (gen === generation.current) setTotal((x) => x ?? 0);
        return undefined;
      } finally {
        loading.current.delete(page);
      }
    },
    [props.jmap, key], // eslint-disable-line react-hooks/exhaustive-deps
  );

  // New filter: start again from the first page.
  useEffect(() => {
    generation.current++;
    rows.current = new Map();
    snips.current = new Map();
    loading.current.clear();
    setTotal(null);
    parentRef.current?.scrollTo({ top: 0 });
    void loadPage(0, generation.current);
  }, [key, loadPage]);

  // Push or local change: reload the pages already seen (cheap: one request per page). The rows
  // shown stay until their page's answer replaces them (no blank rows meanwhile); rows past the
  // new total go once every page has answered.
  useEffect(() => {
    if (props.version === 0) return;
    const gen = ++generation.current;
    const pages = new Set<number>([0]);
    for (const i of rows.current.keys()) pages.add(Math.floor(i / PAGE));
    loading.current.clear();
    void Promise.all([...pages].map((p) => loadPage(p, gen))).then((totals) => {
      const n = totals.find((x) => x !== undefined);
      if (gen !== generation.current || n === undefined) return;
      const past = [...rows.current.keys()].filter((i) => i >= n);
      for (const i of past) rows.current.delete(i);
      if (past.length) force((x) => x + 1);
    });
  }, [props.version]); // eslint-disable-line react-hooks/exhaustive-deps

  const count = total ?? 0;
  // Conversation view: a row stands for the messages of its thread in this mailbox.
  const expand = (ids: string[]): string[] => {
    const scope = new Map<string, string[]>();
    for (const e of rows.current.values()) if (e.thread) scope.set(e.id, e.thread.scope);
    return [...new Set(ids.flatMap((id) => scope.get(id) ?? [id]))];
  };
  const flagged = (ids: string[]): boolean => {
    const byId = new Map([...rows.current.values()].map((e) => [e.id, e.thread ? e.thread.flagged : !!e.keywords.$flagged]));
    const known = ids.map((id) => byId.get(id)).filter((f) => f !== undefined);
    return known.length > 0 && known.every(Boolean);
  };
  // Callbacks of the rows stay the same functions across renders (they read the latest props), so
  // that opening a message or checking a row re-renders only the rows whose state changed (RowView is memo).
  const latest = useRef({ props, expand });
  latest.current = { props, expand };
  const handlers = useMemo(() => ({
    expand: (ids: string[]) => latest.current.expand(ids),
    onOpen: (id: string) => latest.current.props.onOpen(id),
    onToggle: (id: string, range: boolean) => latest.current.props.onToggle(id, range),
  }), []);
  const virtualizer = useWindow({ count, rowHeight, parentRef, overscan: 8 });
  const items = virtualizer.items;

  // The pages of the rows in view, and half a page beyond each edge: a fast scroll finds the next
  // page already asked for (bench/web/scroll.ts counts the frames that still show placeholders).
  useEffect(() => {
    if (!items.length) return;
    const first = Math.floor(Math.max(0, items[0].index - PAGE / 2) / PAGE);
    const last = Math.floor(Math.min(count - 1, items[items.length - 1].index + PAGE / 2) / PAGE);
    for (let p = first; p <= last; p++) if (!rows.current.has(p * PAGE) && !rows.current.has(Math.min(count - 1, p * PAGE + PAGE - 1))) void loadPage(p, generation.current);
  });

  useEffect(() => {
    props.onLoaded?.({ ids: () => Array.from({ length: count }, (_, i) => rows.current.get(i)?.id), total: count, expand, flagged });
    if (rows.current.size) props.onPainted?.();
  });

  // Keep the open message visible when moving with j/k.
  useEffect(() => {
    if (!props.openId) return;
    for (const [i, e] of rows.current) if (e.id === props.openId) virtualizer.scrollToIndex(i);
  }, [props.openId]); // eslint-disable-line react-hooks/exhaustive-deps

  if (total === null) {
    return <div className="list-empty" role="status">{t('list.loading')}</div>;
  }
  if (count === 0) {
    return <div className="list-empty" role="status">{props.searchFilter ? t('list.noResults') : t('list.empty')}</div>;
  }
  const keys = new Set<string>();
  return (
    <div ref={parentRef} className={`message-list ${prefs.density}`} tabIndex={-1}>
      <p className="sr-only" role="status">{tn('list.count', count)}</p>
      <ul aria-label={props.label} className="rows" style={{ height: virtualizer.totalSize }}>
        {items.map((v) => {
          const e = rows.current.get(v.index);
          // A row's element belongs to its message, not to its position: when new mail shifts the
          // list, the element under the pointer or holding the focus still stands for the same
          // message. (During a reload a message can briefly sit at two positions: the second keeps
          // a position key.)
          const key = e && !keys.has(e.id) ? e.id : `#${v.key}`;
          keys.add(key);
          return (
            <li
              key={key}
              className="row-slot"
              aria-setsize={count}
              aria-posinset={v.index + 1}
              style={{ transform: `translateY(${v.start}px)`, height: v.size }}
            >
              {e ? (
                <Row
                  email={e}
                  snippet={snips.current.get(e.id)}
                  open={props.openId === e.id}
                  checked={props.checked.has(e.id)}
                  checkedIds={props.checked}
                  showRecipients={!!props.showRecipients}
                  scheduledAt={props.scheduled?.get(e.id)?.sendAt}
                  expand={handlers.expand}
                  onOpen={handlers.onOpen}
                  onToggle={handlers.onToggle}
                />
              ) : (
                <div className="row placeholder" aria-hidden="true" />
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** Text of a SearchSnippet: the server marks matches with <mark>; render them without HTML. */
function Highlighted({ html }: { html: string }) {
  const parts = html.split(/<mark>|<\/mark>/);
  const decode = (s: string) => s.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  return <>{parts.map((p, i) => (i % 2 ? <mark key={i}>{decode(p)}</mark> : <span key={i}>{decode(p)}</span>))}</>;
}

/** A row re-renders only when what it shows changes (the handlers are stable, see MessageList). */
const Row = memo(RowView, (a, b) => a.email === b.email && a.snippet === b.snippet && a.open === b.open && a.checked === b.checked && a.showRecipients === b.showRecipients && a.scheduledAt === b.scheduledAt && (a.checkedIds === b.checkedIds || !a.checked) && a.expand === b.expand && a.onOpen === b.onOpen && a.onToggle === b.onToggle);

function RowView(props: {
  email: ThreadRow;
  snippet?: { subject: string | null; preview: string | null };
  open: boolean;
  checked: boolean;
  checkedIds: Set<string>;
  showRecipients: boolean;
  scheduledAt?: string;
  expand: (ids: string[]) => string[];
  onOpen: (id: string) => void;
  onToggle: (id: string, range: boolean) => void;
}) {
  const e = props.email;
  const th = e.thread;
  // A conversation is unread while any of its messages in this mailbox is (RFC 8621 §4.1.1 $seen).
  const unread = th ? th.unread > 0 : !e.keywords.$seen;
  const flagged = th ? th.flagged : !!e.keywords.$flagged;
  const attachment = th ? th.hasAttachment : e.hasAttachment;
  const who = props.showRecipients ? (e.to ?? []).map(displayAddress).join(', ') : th ? participantLine(th.participants) : displayAddress(e.from?.[0]);
  const subject = e.subject?.trim() || t('list.noSubject');
  return (
    <div
      className={`row${unread ? ' unread' : ''}${props.open ? ' open' : ''}${props.checked ? ' checked' : ''}`}
      draggable
      onDragStart={(ev) => {
        // Dragging a selected row carries the whole selection (and, for conversations, their messages).
        const ids = props.expand(props.checked && props.checkedIds.size ? [...props.checkedIds] : [e.id]);
        ev.dataTransfer.setData('application/x-preau-emails', ids.join(','));
        ev.dataTransfer.effectAllowed = 'move';
        if (ids.length > 1) {
          // Several messages: the drag image says how many.
          const ghost = document.createElement('div');
          ghost.className = 'drag-ghost';
          ghost.textContent = tn('list.count', ids.length);
          document.body.append(ghost);
          ev.dataTransfer.setDragImage(ghost, 10, 10);
          setTimeout(() => ghost.remove(), 0);
        }
      }}
    >
      <input
        type="checkbox"
        className="row-check"
        checked={props.checked}
        aria-label={t('list.select', { subject })}
        onChange={() => {}}
        onClick={(ev) => props.onToggle(e.id, ev.shiftKey)}
      />
      <a
        href={`#${e.id}`}
        className="row-link"
        aria-current={props.open ? 'true' : undefined}
        onClick={(ev) => { ev.preventDefault(); props.onOpen(e.id); }}
      >
        <span className="row-top">
          <span className="row-from">{unread && <span className="sr-only">{t('list.unread')} </span>}{who || t('list.noSender')}</span>
          {th && th.count > 1 && <span className="thread-count"><span aria-hidden="true">{th.count}</span><span className="sr-only">{tn('list.threadCount', th.count)}</span></span>}
          <span className="row-meta">
            {flagged && <span className="flag" title={t('list.flagged')}><Icon name="star" size={15} /><span className="sr-only">{t('list.flagged')}</span></span>}
            {attachment && <span className="clip" title={t('list.attachment')}><Icon name="clip" size={15} /><span className="sr-only">{t('list.attachment')}</span></span>}
            {props.scheduledAt
              ? <span className="scheduled-badge"><time dateTime={props.scheduledAt}>{t('list.scheduled', { date: formatShortDateTime(props.scheduledAt) })}</time></span>
              : <time dateTime={e.receivedAt}>{formatListDate(e.receivedAt)}</time>}
          </span>
        </span>
        <span className="row-subject">{props.snippet?.subject ? <Highlighted html={props.snippet.subject} /> : subject}</span>
        <span className="row-preview">{props.snippet?.preview ? <Highlighted html={props.snippet.preview} /> : e.preview}</span>
        <span className="sr-only">{formatSize(e.size)}</span>
      </a>
    </div>
  );
}
