/** Toolbar for the selected or open messages: reply, archive, delete, spam, move, read, flag. */
import { useState } from 'react';
import { t } from '../i18n/index.ts';
import type { ComposeRequest } from '../compose/types.ts';
import type { EmailFull, Mailbox } from './data.ts';
import { orderedMailboxes, roleName } from './FolderList.tsx';

export function Actions(props: {
  count: number;
  /** The open conversation: the count is its messages in this mailbox, replies go to the open message. */
  conversation?: boolean;
  boxes: Mailbox[];
  current: Mailbox | null;
  open: EmailFull | null;
  /** The targets are flagged (the open message, or every selected row): the button unflags. */
  flagged?: boolean;
  onArchive: () => void;
  onDelete: () => void;
  onSpam: () => void;
  onPhishing: () => void;
  onNotSpam: () => void;
  onMove: (id: string) => void;
  onCopy: (id: string) => void;
  onRead: (on: boolean) => void;
  onFlag: (on: boolean) => void;
  onReply: (mode: ComposeRequest['mode']) => void;
}) {
  const [more, setMore] = useState(false);
  if (!props.count) return null;
  const inJunk = props.current?.role === 'junk';
  const single = props.open && (props.count === 1 || !!props.conversation);
  const flagged = props.flagged ?? !!props.open?.keywords.$flagged;
  return (
    <div className="actions" role="toolbar" aria-label={t('action.toolbar')}>
      {single && <button type="button" className="btn" onClick={() => props.onReply('reply')} aria-keyshortcuts="r">{t('action.reply')}</button>}
      {props.current?.role !== 'archive' && <button type="button" className="btn" onClick={props.onArchive} aria-keyshortcuts="e">{t('action.archive')}</button>}
      <button type="button" className="btn" onClick={props.onDelete} aria-keyshortcuts="#">{t('action.delete')}</button>
      {/* On a phone the other actions fold behind "Plus". */}
      <button type="button" className="btn more-toggle" aria-expanded={more} aria-controls="more-actions" onClick={() => setMore(!more)}>{t('action.more')}</button>
      <div id="more-actions" className={`secondary${more ? ' show' : ''}`}>
      {single && (
        <>
          <button type="button" className="btn" onClick={() => props.onReply('replyAll')} aria-keyshortcuts="a">{t('action.replyAll')}</button>
          <button type="button" className="btn" onClick={() => props.onReply('forward')} aria-keyshortcuts="f">{t('action.forward')}</button>
        </>
      )}
      {inJunk ? (
        <button type="button" className="btn" onClick={props.onNotSpam}>{t('action.notSpam')}</button>
      ) : (
        <button type="button" className="btn" onClick={props.onSpam} aria-keyshortcuts="!">{t('action.spam')}</button>
      )}
      <button type="button" className="btn" onClick={props.onPhishing}>{t('action.reportPhishing')}</button>
      <label className="move-select">
        <span className="sr-only">{t('action.moveTo')}</span>
        <select value="" onChange={(e) => e.target.value && props.onMove(e.target.value)}>
          <option value="">{t('action.moveTo')}</option>
          {orderedMailboxes(props.boxes).filter(({ box }) => box.id !== props.current?.id).map(({ box, depth }) => (
            <option key={box.id} value={box.id}>{'  '.repeat(depth) + roleName(box)}</option>
          ))}
        </select>
      </label>
      <label className="move-select">
        <span className="sr-only">{t('action.copyTo')}</span>
        <select value="" onChange={(e) => e.target.value && props.onCopy(e.target.value)}>
          <option value="">{t('action.copyTo')}</option>
          {orderedMailboxes(props.boxes).filter(({ box }) => box.id !== props.current?.id && box.role !== 'trash' && box.role !== 'junk').map(({ box, depth }) => (
            <option key={box.id} value={box.id}>{'  '.repeat(depth) + roleName(box)}</option>
          ))}
        </select>
      </label>
      <button type="button" className="btn" onClick={() => props.onRead(!(props.open?.keywords.$seen ?? false) || (props.count > 1 && !props.conversation))}>
        {single && props.open?.keywords.$seen ? t('action.markUnread') : t('action.markRead')}
      </button>
      <button type="button" className="btn" aria-pressed={single ? flagged : undefined} onClick={() => props.onFlag(!flagged)} aria-keyshortcuts="s">
        {flagged ? t('action.unflag') : t('action.flag')}
      </button>
      </div>
    </div>
  );
}
