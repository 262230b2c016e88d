/** Create, rename, delete folders; empty Trash and Junk. RFC 8621 §2.5 Mailbox/set. */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { t, tn, type Key } from '../i18n/index.ts';
import { Dialog, Confirm } from '../ui/Dialog.tsx';
import { toast } from '../ui/toast.tsx';
import { reasonText } from '../ui/errors.ts';
import { SetFailed, type Jmap } from '../api/jmap.ts';
import type { Mailbox } from './data.ts';
import { createMailbox, deleteMailbox, emptyMailbox, EmptyStalled, renameMailbox } from './folders.ts';
import { orderedMailboxes, roleName } from './FolderList.tsx';

/** What is wrong with `name` for a folder under `parentId` (null: nothing), checked before asking the server. */
function nameProblem(boxes: Mailbox[], name: string, parentId: string | null, self?: string): Key | null {
  const n = name.trim().normalize('NFC');
  if (!n) return 'folders.nameEmpty';
  // RFC 8621 §2: "/" is the server's hierarchy separator (src/mail/mailboxes.ts), not a name character.
  if (n.includes('/')) return 'folders.nameSlash';
  // The server's rule (src/mail/mailboxes.ts normaliseMailboxName): a top-level "inbox" in any case is
  // INBOX (RFC 9051 §5.1: INBOX is case-insensitive); other names compare exactly, after NFC.
  const inboxName = parentId === null && n.toUpperCase() === 'INBOX';
  const taken = inboxName || boxes.some((b) => b.id !== self && (b.parentId ?? null) === parentId && (b.name.normalize('NFC') === n || roleName(b) === n));
  return taken ? 'folders.nameTaken' : null;
}

/** A server refusal in words (RFC 8621 §2.5 SetError types). */
function reason(e: unknown): string {
  if (e instanceof EmptyStalled) return tn('folders.emptyStalled', e.left);
  if (e instanceof SetFailed) {
    if (e.type === 'mailboxHasChild') return t('folders.hasChildren');
    if (e.type === 'invalidProperties' && e.properties?.includes('name')) return t('folders.nameRefused');
  }
  return t('app.actionFailed', { reason: reasonText(e) });
}

/** The focus after an action removed what had it: the folder's entry, else the entry now at its place in the list. */
function focusEntry(id: string, index: number): boolean {
  const own = document.getElementById(`fe-${id}`);
  const all = document.querySelectorAll<HTMLElement>('.folder-admin .folder-name');
  const el = own ?? all[Math.min(index, all.length - 1)];
  el?.focus();
  return !!el;
}

export function FolderManager({ jmap, boxes, onClose, onChanged, onDeleted }: { jmap: Jmap; boxes: Mailbox[]; onClose: () => void; onChanged: () => void; onDeleted?: (id: string) => void }) {
  const [name, setName] = useState('');
  const [parent, setParent] = useState('');
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [confirm, setConfirm] = useState<{ box: Mailbox; kind: 'delete' | 'empty' } | null>(null);
  // Shown in the dialog (a toast would sit behind the modal): the create field's, the rename field's, or the last action's.
  const [error, setError] = useState<{ where: 'create' | 'rename' | 'action'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // A folder whose entry takes the focus once the control that had it is gone (renamed; deleted; emptied).
  const refocus = useRef<{ id: string; index: number } | null>(null);
  useEffect(() => {
    const f = refocus.current;
    const a = document.activeElement;
    if (!f || (a && a !== document.body && a.isConnected)) return;
    if (focusEntry(f.id, f.index)) refocus.current = null;
  });
  /** Runs the change; true when done. What the user typed stays in place when it fails. */
  const run = async (fn: () => Promise<void>, ok: string, where: 'create' | 'rename' | 'action'): Promise<boolean> => {
    setBusy(true);
    try {
      await fn();
      setError(null);
      toast(ok);
      onChanged();
      return true;
    } catch (e) {
      setError({ where, text: reason(e) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const problem = nameProblem(boxes, name, parent || null);
    if (problem) return setError({ where: 'create', text: t(problem) });
    if (await run(() => createMailbox(jmap, name.trim(), parent || null), t('folders.created'), 'create')) setName('');
  };
  const rename = async (e: FormEvent) => {
    e.preventDefault();
    const r = renaming;
    if (!r) return;
    const box = boxes.find((b) => b.id === r.id);
    if (box && r.name.trim() === box.name) return setRenaming(null);
    const problem = nameProblem(boxes, r.name, box?.parentId ?? null, r.id);
    if (problem) return setError({ where: 'rename', text: t(problem) });
    if (await run(() => renameMailbox(jmap, r.id, r.name.trim()), t('folders.renamed'), 'rename')) {
      refocus.current = { id: r.id, index: 0 };
      setRenaming(null);
    }
  };
  const fieldError = (where: 'create' | 'rename', id: string) =>
    error?.where === where ? <p id={id} className="form-error small" role="alert">{error.text}</p> : null;
  const ordered = orderedMailboxes(boxes);
  // Shown over the folder dialog (which stays open): closing it gives the focus back to the button that opened it.
  const confirmation = confirm && (
      <Confirm
        title={confirm.kind === 'delete' ? t('folders.deleteTitle') : t('folders.emptyTitle')}
        text={confirm.kind === 'delete' ? t('folders.deleteText', { name: roleName(confirm.box) }) : tn('folders.emptyText', confirm.box.totalEmails, { name: roleName(confirm.box) })}
        confirmLabel={confirm.kind === 'delete' ? t('action.delete') : t('folders.empty')}
        danger
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          const c = confirm;
          setConfirm(null);
          void run(() => (c.kind === 'delete' ? deleteMailbox(jmap, c.box.id) : emptyMailbox(jmap, c.box.id)), c.kind === 'delete' ? t('folders.deleted') : t('folders.emptied'), 'action').then((ok) => {
            if (!ok) return;
            refocus.current = { id: c.box.id, index: ordered.findIndex((o) => o.box.id === c.box.id) };
            if (c.kind === 'delete') onDeleted?.(c.box.id);
          });
        }}
      />
  );
  return (
    <Dialog title={t('folders.title')} onClose={onClose} wide>
      {confirmation}
      {error?.where === 'action' && <p className="form-error" role="alert">{error.text}</p>}
      <form className="inline-form" onSubmit={(e) => void create(e)} noValidate>
        <label>{t('folders.newName')}<input value={name} onChange={(e) => setName(e.target.value)} aria-invalid={error?.where === 'create' || undefined} aria-describedby={error?.where === 'create' ? 'folder-name-error' : undefined} /></label>
        <label>{t('folders.parent')}
          <select value={parent} onChange={(e) => setParent(e.target.value)}>
            <option value="">{t('folders.topLevel')}</option>
            {orderedMailboxes(boxes).map(({ box, depth }) => <option key={box.id} value={box.id}>{'  '.repeat(depth) + roleName(box)}</option>)}
          </select>
        </label>
        <button type="submit" className="btn primary" disabled={busy}>{t('folders.create')}</button>
        {fieldError('create', 'folder-name-error')}
      </form>
      <ul className="folder-admin">
        {ordered.map(({ box, depth }) => (
          <li key={box.id} className={`depth-${Math.min(depth, 4)}`}>
            {renaming?.id === box.id ? (
              <form className="inline-form" onSubmit={(e) => void rename(e)} noValidate>
                <label className="sr-only" htmlFor={`rn-${box.id}`}>{t('folders.renameLabel', { name: box.name })}</label>
                <input id={`rn-${box.id}`} value={renaming.name} onChange={(e) => setRenaming({ id: box.id, name: e.target.value })} autoFocus
                  onKeyDown={(e) => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); setRenaming(null); setError(null); } }}
                  aria-invalid={error?.where === 'rename' || undefined} aria-describedby={error?.where === 'rename' ? 'folder-rename-error' : undefined} />
                <button type="submit" className="btn small primary" disabled={busy}>{t('common.save')}</button>
                <button type="button" className="btn small" onClick={() => { setRenaming(null); setError(null); }}>{t('common.cancel')}</button>
                {fieldError('rename', 'folder-rename-error')}
              </form>
            ) : (
              <>
                <span className="folder-name" id={`fe-${box.id}`} tabIndex={-1}>{roleName(box)}</span>
                <span className="muted small">{box.totalEmails}</span>
                {(box.role === 'trash' || box.role === 'junk') && box.totalEmails > 0 && (
                  <button type="button" className="btn small" onClick={() => setConfirm({ box, kind: 'empty' })}>{t('folders.empty')}<span className="sr-only"> {roleName(box)}</span></button>
                )}
                {!box.role && (
                  <>
                    <button type="button" className="btn small" onClick={() => setRenaming({ id: box.id, name: box.name })}>{t('folders.rename')}<span className="sr-only"> {box.name}</span></button>
                    <button type="button" className="btn small danger" onClick={() => setConfirm({ box, kind: 'delete' })}>{t('action.delete')}<span className="sr-only"> {box.name}</span></button>
                  </>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
