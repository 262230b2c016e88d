/** Folder navigation with unread counts, drop targets and the quota gauge. RFC 8621 §2 roles. */
import { useState } from 'react';
import { t, tn, formatSize, formatPercent } from '../i18n/index.ts';
import type { Mailbox, Quota } from './data.ts';
import { Icon } from '../ui/Icon.tsx';

const ROLE_ORDER = ['inbox', 'drafts', 'sent', 'archive', 'junk', 'trash'];

export function roleName(b: Mailbox): string {
  switch (b.role) {
    case 'inbox': return t('folder.inbox');
    case 'drafts': return t('folder.drafts');
    case 'sent': return t('folder.sent');
    case 'archive': return t('folder.archive');
    case 'junk': return t('folder.junk');
    case 'trash': return t('folder.trash');
    default: return b.name;
  }
}


/** Sort: standard roles first, then by sortOrder/name, children under their parent. */
export function orderedMailboxes(boxes: Mailbox[]): { box: Mailbox; depth: number }[] {
  const rank = (b: Mailbox) => (b.role && ROLE_ORDER.includes(b.role) ? ROLE_ORDER.indexOf(b.role) : 100);
  const cmp = (a: Mailbox, b: Mailbox) => rank(a) - rank(b) || a.sortOrder - b.sortOrder || a.name.localeCompare(b.name);
  const out: { box: Mailbox; depth: number }[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const b of boxes.filter((x) => (x.parentId ?? null) === parent).sort(cmp)) {
      out.push({ box: b, depth });
      if (depth < 8) walk(b.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

export function FolderList(props: {
  boxes: Mailbox[];
  current: string | null;
  onOpen: (id: string) => void;
  onDropEmails: (mailboxId: string, emailIds: string[]) => void;
  onManage: () => void;
}) {
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  return (
    <ul className="folders">
      {orderedMailboxes(props.boxes).map(({ box, depth }) => (
        <li key={box.id}>
          <a
            href={`/mail/${encodeURIComponent(box.id)}`}
            className={`folder depth-${Math.min(depth, 4)}${props.current === box.id ? ' active' : ''}${dropTarget === box.id ? ' drop' : ''}`}
            aria-current={props.current === box.id ? 'page' : undefined}
            onClick={(e) => { e.preventDefault(); props.onOpen(box.id); }}
            // HTML drag and drop: rows carry "application/x-preau-emails"; the open folder is no target.
            onDragOver={(e) => {
              if (box.id === props.current || !e.dataTransfer.types.includes('application/x-preau-emails')) return;
              e.preventDefault();
              e.dataTransfer.dropEffect = 'move';
              if (dropTarget !== box.id) setDropTarget(box.id);
            }}
            onDragLeave={(e) => { if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropTarget((d) => (d === box.id ? null : d)); }}
            onDrop={(e) => {
              e.preventDefault();
              setDropTarget(null);
              const ids = e.dataTransfer.getData('application/x-preau-emails').split(',').filter(Boolean);
              if (ids.length && box.id !== props.current) props.onDropEmails(box.id, ids);
            }}
          >
            <span className="folder-icon"><Icon name={box.role ?? 'folder'} /></span>
            <span className="folder-name">{roleName(box)}</span>
            {box.unreadEmails > 0 && box.role !== 'sent' && box.role !== 'trash' && (
              <span className="badge">
                <span aria-hidden="true">{box.unreadEmails}</span>
                <span className="sr-only">{tn('folder.unread', box.unreadEmails)}</span>
              </span>
            )}
          </a>
        </li>
      ))}
      <li>
        <button type="button" className="folder manage" onClick={props.onManage}>
          <span className="folder-icon"><Icon name="gear" /></span>
          <span className="folder-name">{t('folder.manage')}</span>
        </button>
      </li>
    </ul>
  );
}

export function QuotaGauge({ quota, onOpen }: { quota: Quota | null; onOpen: () => void }) {
  if (!quota || !quota.hardLimit) return null;
  const f = Math.min(1, quota.used / quota.hardLimit);
  const level = f >= 1 ? 'full' : f >= 0.9 ? 'high' : f >= 0.8 ? 'warn' : 'ok';
  return (
    <div className={`quota ${level}`}>
      <div className="quota-label" id="quota-label">
        {t('quota.label', { used: formatSize(quota.used), total: formatSize(quota.hardLimit) })}
      </div>
      <meter min={0} max={1} low={0.8} high={0.9} optimum={0.2} value={f} aria-labelledby="quota-label" aria-valuetext={formatPercent(f)} />
      {f >= 0.8 && (
        <button type="button" className="btn link small" onClick={onOpen}>{t('quota.freeSpace')}</button>
      )}
    </div>
  );
}

/** The 80/90/100 % banner shown above the list. */
export function QuotaBanner({ quota, onOpen }: { quota: Quota | null; onOpen: () => void }) {
  if (!quota || !quota.hardLimit) return null;
  const f = quota.used / quota.hardLimit;
  if (f < 0.8) return null;
  const key = f >= 1 ? 'quota.full' : f >= 0.9 ? 'quota.at90' : 'quota.at80';
  return (
    <div className={`banner ${f >= 0.9 ? 'danger' : 'warning'}`} role="status">
      <span>{t(key, { percent: formatPercent(Math.min(f, 1)) })}</span>
      <button type="button" className="btn small" onClick={onOpen}>{t('quota.freeSpace')}</button>
    </div>
  );
}
