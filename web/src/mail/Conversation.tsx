/** Conversation view: every message of a thread in date order (RFC 8621 §3 Thread/get), older read ones folded. */
import { useEffect, useMemo, useState } from 'react';
import type { Jmap } from '../api/jmap.ts';
import { formatFullDate, formatListDate, t, tn } from '../i18n/index.ts';
import { usePrefs } from '../prefs.ts';
import type { ComposeRequest } from '../compose/types.ts';
import { Icon } from '../ui/Icon.tsx';
import { displayAddress, type EmailFull } from './data.ts';
import { AddressFields, Attachments, Banners, emailDocument, ImagesBar, MessageFrame, ReaderToolbar, useRemoteImages } from './Reader.tsx';
import { participantLine, visibleMembers } from './threads.ts';

/** Ids unfolded when a conversation opens: the unread messages and the latest one. */
export function initiallyExpanded(list: EmailFull[]): Set<string> {
  const out = new Set(list.filter((e) => !e.keywords.$seen).map((e) => e.id));
  const last = list[list.length - 1];
  if (last) out.add(last.id);
  return out;
}

export function Conversation(props: {
  jmap: Jmap;
  email: EmailFull;
  /** Every message of the thread (oldest first); undefined while it loads. */
  thread: EmailFull[] | undefined;
  /** Mailboxes (Trash, Junk) whose messages are left out. */
  hidden: string[];
  actions: React.ReactNode;
  onBack: () => void;
  /** A note about the open message (e.g. it has not left yet), under the heading. */
  notice?: React.ReactNode;
  onReply: (mode: ComposeRequest['mode'], source: EmailFull) => void;
}) {
  const { jmap, email } = props;
  const list = useMemo(() => {
    const all = props.thread?.length ? props.thread : [email];
    return visibleMembers([...all].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt)), props.hidden);
  }, [props.thread, email, props.hidden]);
  const key = list.map((e) => e.id).join(',');
  const [expanded, setExpanded] = useState<Set<string>>(() => initiallyExpanded(list));
  // A new conversation (or its members once loaded): unfold the unread and the latest again.
  useEffect(() => setExpanded(initiallyExpanded(list)), [key]); // eslint-disable-line react-hooks/exhaustive-deps

  const toggle = (id: string) => setExpanded((s) => {
    const next = new Set(s);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });
  const allOpen = list.every((e) => expanded.has(e.id));
  const subject = (list[0]?.subject ?? email.subject)?.trim() || t('list.noSubject');
  const people = participantLine(list.flatMap((e) => e.from ?? []).filter((a, i, arr) => arr.findIndex((b) => b.email.toLowerCase() === a.email.toLowerCase()) === i), 6);

  return (
    <article className="reader conversation" aria-labelledby="reader-subject">
      <ReaderToolbar actions={props.actions} onBack={props.onBack} />
      <header className="reader-head conv-top">
        <h1 id="reader-subject" tabIndex={-1}>{subject}</h1>
        <p className="muted small conv-meta">
          <span>{tn('conv.count', list.length)}</span>
          {people && <span> · {people}</span>}
        </p>
        {list.length > 1 && (
          <button type="button" className="btn small" onClick={() => setExpanded(allOpen ? new Set([list[list.length - 1]!.id]) : new Set(list.map((e) => e.id)))}>
            {allOpen ? t('conv.collapseAll') : t('conv.expandAll')}
          </button>
        )}
      </header>
      {props.notice}
      {props.thread === undefined && <p className="sr-only" role="status">{t('app.loading')}</p>}
      <ol className="conv-list" aria-label={t('conv.label')}>
        {list.map((e) => (
          <ConversationMessage key={e.id} jmap={jmap} email={e} expanded={expanded.has(e.id)} onToggle={() => toggle(e.id)} onReply={props.onReply} />
        ))}
      </ol>
    </article>
  );
}

function ConversationMessage(props: { jmap: Jmap; email: EmailFull; expanded: boolean; onToggle: () => void; onReply: (mode: ComposeRequest['mode'], source: EmailFull) => void }) {
  const { jmap, email, expanded } = props;
  const prefs = usePrefs();
  const images = useRemoteImages(email);
  const { sender, blockAll } = images;
  const verdict = email.preauVerdict;
  // The body is prepared only when unfolded: a long conversation costs one iframe per open message.
  const prepared = useMemo(() => (expanded ? emailDocument(jmap, email, images.show, prefs.preferHtml) : null), [expanded, jmap, email, images.show, prefs.preferHtml]);
  const unread = !email.keywords.$seen;
  const who = displayAddress(email.from?.[0]) || t('list.noSender');
  const bodyId = `conv-body-${email.id}`;
  const date = formatFullDate(email.sentAt ?? email.receivedAt);
  return (
    <li className={`conv-item${expanded ? ' expanded' : ''}${unread ? ' unread' : ''}`}>
      <h2 className="conv-heading">
        <button type="button" className="conv-head" aria-expanded={expanded} aria-controls={bodyId} onClick={props.onToggle}>
          <span className="conv-from">{unread && <span className="sr-only">{t('list.unread')} </span>}{who}</span>
          <span className="conv-date">
            {email.hasAttachment && <span className="clip" title={t('list.attachment')}><Icon name="clip" size={15} /><span className="sr-only">{t('list.attachment')}</span></span>}
            <time dateTime={email.receivedAt} title={date}>{formatListDate(email.receivedAt)}</time>
          </span>
          {!expanded && <span className="conv-preview">{email.preview}</span>}
        </button>
      </h2>
      <div id={bodyId} className="conv-body" hidden={!expanded}>
        {expanded && prepared && (
          <>
            <AddressFields email={email} date={date} />
            <Banners verdict={verdict} email={email} />
            {prepared.hasRemote && !images.showRemote && !blockAll && <ImagesBar email={email} sender={sender} onShowOnce={images.showOnce} />}
            <MessageFrame html={prepared.doc} title={t('conv.bodyTitle', { sender: who, date })} />
            <Attachments jmap={jmap} parts={email.attachments} dangerous={verdict?.dangerousAttachments ?? []} idSuffix={`-${email.id}`} />
            <div className="conv-actions" role="group" aria-label={t('conv.actionsFor', { sender: who, date })}>
              <button type="button" className="btn small" onClick={() => props.onReply('reply', email)}>{t('action.reply')}</button>
              <button type="button" className="btn small" onClick={() => props.onReply('replyAll', email)}>{t('action.replyAll')}</button>
              <button type="button" className="btn small" onClick={() => props.onReply('forward', email)}>{t('action.forward')}</button>
            </div>
          </>
        )}
      </div>
    </li>
  );
}
