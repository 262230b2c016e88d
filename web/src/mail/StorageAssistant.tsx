/** "Libérer de l'espace": the largest messages, what each frees, delete or archive. RFC 8621 §4.4.2 sort by size. */
import { useEffect, useState } from 'react';
import type { Jmap } from '../api/jmap.ts';
import { formatListDate, formatPercent, formatSize, t } from '../i18n/index.ts';
import { toast } from '../ui/toast.tsx';
import { byRole, destroyEmails, displayAddress, moveEmails, SUMMARY_PROPS, type EmailSummary, type Mailbox, type Quota } from './data.ts';

export default function StorageAssistant({ jmap, boxes, quota, onChanged }: { jmap: Jmap; boxes: Mailbox[]; quota: Quota | null; onChanged: () => void }) {
  const [items, setItems] = useState<EmailSummary[] | null>(null);
  const [minSize, setMinSize] = useState(0);
  const load = async () => {
    const r = await jmap.call([
      ['Email/query', { accountId: jmap.accountId, filter: minSize ? { minSize } : null, sort: [{ property: 'size', isAscending: false }], limit: 50 }, 'q'],
      ['Email/get', { accountId: jmap.accountId, '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: SUMMARY_PROPS }, 'g'],
    ]);
    const g = r.get('g');
    setItems(g && !g.__error ? [...(g.list as EmailSummary[])].sort((a, b) => b.size - a.size) : []);
  };
  useEffect(() => { void load(); }, [minSize]); // eslint-disable-line react-hooks/exhaustive-deps
  const trash = byRole(boxes, 'trash');
  const archive = byRole(boxes, 'archive');
  const act = async (e: EmailSummary, kind: 'delete' | 'archive') => {
    try {
      if (kind === 'delete') await destroyEmails(jmap, [e.id]);
      else if (archive) await moveEmails(jmap, [e.id], archive.id);
      toast(kind === 'delete' ? t('storage.freed', { size: formatSize(e.size) }) : t('storage.archived'));
      setItems((list) => list?.filter((x) => x.id !== e.id) ?? null);
      onChanged();
    } catch (err) {
      toast(t('app.actionFailed', { reason: (err as Error).message }), { error: true });
    }
  };
  const f = quota?.hardLimit ? quota.used / quota.hardLimit : 0;
  return (
    <section className="page storage" aria-labelledby="storage-title">
      <h1 id="storage-title">{t('storage.title')}</h1>
      {quota && quota.hardLimit > 0 && (
        <p>{t('storage.summary', { used: formatSize(quota.used), total: formatSize(quota.hardLimit), percent: formatPercent(f) })}</p>
      )}
      <p className="muted">{t('storage.intro')}</p>
      {trash && trash.totalEmails > 0 && <p className="muted">{t('storage.trashHint', { n: trash.totalEmails })}</p>}
      <label className="inline">
        {t('storage.minSize')}
        <select value={minSize} onChange={(e) => setMinSize(Number(e.target.value))}>
          <option value={0}>{t('storage.any')}</option>
          <option value={1_000_000}>1 Mo</option>
          <option value={5_000_000}>5 Mo</option>
          <option value={10_000_000}>10 Mo</option>
        </select>
      </label>
      {items === null ? <p role="status">{t('app.loading')}</p> : items.length === 0 ? <p>{t('storage.none')}</p> : (
        <table className="data-table">
          <caption className="sr-only">{t('storage.tableCaption')}</caption>
          <thead><tr><th scope="col">{t('storage.message')}</th><th scope="col">{t('storage.size')}</th><th scope="col">{t('storage.actions')}</th></tr></thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id}>
                <td>
                  <strong>{e.subject || t('list.noSubject')}</strong>
                  <span className="muted small block">{displayAddress(e.from?.[0])} · {formatListDate(e.receivedAt)}{e.hasAttachment ? ` · ${t('list.attachment')}` : ''}</span>
                </td>
                <td>{formatSize(e.size)}</td>
                <td className="nowrap">
                  <button type="button" className="btn small danger" onClick={() => void act(e, 'delete')}>{t('storage.deleteFrees', { size: formatSize(e.size) })}</button>
                  {archive && !e.mailboxIds[archive.id] && <button type="button" className="btn small" onClick={() => void act(e, 'archive')}>{t('action.archive')}</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
