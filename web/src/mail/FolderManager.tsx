/** Create, rename, delete folders; empty Trash and Junk. RFC 8621 §2.5 Mailbox/set. */
import { useState, type FormEvent } from 'react';
import type { Jmap } from '../api/jmap.ts';
import { t } from '../i18n/index.ts';
import { Dialog, Confirm } from '../ui/Dialog.tsx';
import { toast } from '../ui/toast.tsx';
import { createMailbox, deleteMailbox, emptyMailbox, renameMailbox, type Mailbox } from './data.ts';
import { orderedMailboxes, roleName } from './FolderList.tsx';

export function FolderManager({ jmap, boxes, onClose, onChanged }: { jmap: Jmap; boxes: Mailbox[]; onClose: () => void; onChanged: () => void }) {
  const [name, setName] = useState('');
  const [parent, setParent] = useState('');
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [confirm, setConfirm] = useState<{ box: Mailbox; kind: 'delete' | 'empty' } | null>(null);
  const run = async (fn: () => Promise<void>, ok: string) => {
    try {
      await fn();
      toast(ok);
      onChanged();
    } catch (e) {
      toast(t('app.actionFailed', { reason: (e as Error).message }), { error: true });
    }
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    void run(() => createMailbox(jmap, name.trim(), parent || null), t('folders.created'));
    setName('');
  };
  if (confirm) {
    return (
      <Confirm
        title={confirm.kind === 'delete' ? t('folders.deleteTitle') : t('folders.emptyTitle')}
        text={confirm.kind === 'delete' ? t('folders.deleteText', { name: roleName(confirm.box) }) : t('folders.emptyText', { name: roleName(confirm.box), n: confirm.box.totalEmails })}
        confirmLabel={confirm.kind === 'delete' ? t('action.delete') : t('folders.empty')}
        danger
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          const c = confirm;
          setConfirm(null);
          void run(() => (c.kind === 'delete' ? deleteMailbox(jmap, c.box.id) : emptyMailbox(jmap, c.box.id)), c.kind === 'delete' ? t('folders.deleted') : t('folders.emptied'));
        }}
      />
    );
  }
  return (
    <Dialog title={t('folders.title')} onClose={onClose} wide>
      <form className="inline-form" onSubmit={create}>
        <label>{t('folders.newName')}<input value={name} onChange={(e) => setName(e.target.value)} required /></label>
        <label>{t('folders.parent')}
          <select value={parent} onChange={(e) => setParent(e.target.value)}>
            <option value="">{t('folders.topLevel')}</option>
            {orderedMailboxes(boxes).map(({ box, depth }) => <option key={box.id} value={box.id}>{'  '.repeat(depth) + roleName(box)}</option>)}
          </select>
        </label>
        <button type="submit" className="btn primary">{t('folders.create')}</button>
      </form>
      <ul className="folder-admin">
        {orderedMailboxes(boxes).map(({ box, depth }) => (
          <li key={box.id} className={`depth-${Math.min(depth, 4)}`}>
            {renaming?.id === box.id ? (
              <form className="inline-form" onSubmit={(e) => { e.preventDefault(); const r = renaming; setRenaming(null); void run(() => renameMailbox(jmap, r.id, r.name), t('folders.renamed')); }}>
                <label className="sr-only" htmlFor={`rn-${box.id}`}>{t('folders.rename')}</label>
                <input id={`rn-${box.id}`} value={renaming.name} onChange={(e) => setRenaming({ id: box.id, name: e.target.value })} required />
                <button type="submit" className="btn small primary">{t('common.save')}</button>
                <button type="button" className="btn small" onClick={() => setRenaming(null)}>{t('common.cancel')}</button>
              </form>
            ) : (
              <>
                <span className="folder-name">{roleName(box)}</span>
                <span className="muted small">{box.totalEmails}</span>
                {(box.role === 'trash' || box.role === 'junk') && box.totalEmails > 0 && (
                  <button type="button" className="btn small" onClick={() => setConfirm({ box, kind: 'empty' })}>{t('folders.empty')}</button>
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
