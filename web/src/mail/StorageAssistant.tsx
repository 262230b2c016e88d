/** "Libérer de l'espace": the largest messages and attachments, what each frees, delete (archiving frees nothing: the quota counts every folder). RFC 8621 §4.4.2 sort by size, §4.1.4 attachments. */
import { useEffect, useState } from 'react';
import type { Jmap } from '../api/jmap.ts';
import { formatListDate, formatPercent, formatSize, t } from '../i18n/index.ts';
import { toast } from '../ui/toast.tsx';
import { reasonText } from '../ui/errors.ts';
import { byRole, destroyEmails, displayAddress, SUMMARY_PROPS, type BodyPart, type EmailSummary, type Mailbox, type Quota } from './data.ts';

/** Size thresholds in binary megabytes, the unit formatSize shows: a 990 000-byte message reads
 *  "967 ko" and must not pass a "1 Mo" minimum. */
const MIN_SIZES = [1, 5, 10].map((n) => n * 1024 * 1024);

type WithParts = EmailSummary & { attachments?: BodyPart[] };
/** One attachment row: the file and the message that holds it (only the whole message can be removed). */
interface AttachmentRow { email: WithParts; part: BodyPart; key: string }

/** The largest attachments among the largest messages that have some (the 50 largest, 20 rows shown). */
function largestAttachments(emails: WithParts[]): AttachmentRow[] {
  const rows: AttachmentRow[] = [];
  for (const e of emails) (e.attachments ?? []).forEach((p, i) => { if (p.blobId) rows.push({ email: e, part: p, key: `${e.id}-${i}` }); });
  return rows.sort((a, b) => b.part.size - a.part.size).slice(0, 20);
}

/** Fetch the file first (the bytes must be saved before the message goes), then hand it to the browser. */
async function downloadPart(jmap: Jmap, p: BodyPart): Promise<void> {
  const r = await fetch(jmap.downloadUrl(p.blobId ?? '', p.name ?? t('reader.defaultFileName'), p.type), { credentials: 'same-origin' });
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  const url = URL.createObjectURL(await r.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = p.name ?? t('reader.defaultFileName');
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export default function StorageAssistant({ jmap, boxes, quota, onChanged }: { jmap: Jmap; boxes: Mailbox[]; quota: Quota | null; onChanged: () => void }) {
  const [items, setItems] = useState<EmailSummary[] | null>(null);
  const [files, setFiles] = useState<AttachmentRow[] | null>(null);
  const [minSize, setMinSize] = useState(0);
  const load = async () => {
    const filter = minSize ? { minSize } : null;
    const r = await jmap.call([
      ['Email/query', { accountId: jmap.accountId, filter, sort: [{ property: 'size', isAscending: false }], limit: 50 }, 'q'],
      ['Email/get', { accountId: jmap.accountId, '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: SUMMARY_PROPS }, 'g'],
      ['Email/query', { accountId: jmap.accountId, filter: { ...filter, hasAttachment: true }, sort: [{ property: 'size', isAscending: false }], limit: 50 }, 'qa'],
      ['Email/get', { accountId: jmap.accountId, '#ids': { resultOf: 'qa', name: 'Email/query', path: '/ids' }, properties: [...SUMMARY_PROPS, 'attachments'] }, 'ga'],
    ]);
    const g = r.get('g');
    setItems(g && !g.__error ? [...(g.list as EmailSummary[])].sort((a, b) => b.size - a.size) : []);
    const ga = r.get('ga');
    setFiles(ga && !ga.__error ? largestAttachments(ga.list as WithParts[]) : []);
  };
  useEffect(() => { void load(); }, [minSize]); // eslint-disable-line react-hooks/exhaustive-deps
  const trash = byRole(boxes, 'trash');
  const act = async (e: EmailSummary, save?: BodyPart) => {
    try {
      if (save) await downloadPart(jmap, save);
      await destroyEmails(jmap, [e.id]);
      toast(t('storage.freed', { size: formatSize(e.size) }));
      setItems((list) => list?.filter((x) => x.id !== e.id) ?? null);
      setFiles((list) => list?.filter((x) => x.email.id !== e.id) ?? null);
      onChanged();
    } catch (err) {
      toast(t('app.actionFailed', { reason: reasonText(err) }), { error: true });
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
      {/* RFC 9208 §5.1: STORAGE counts every message of the account, whatever its folder. */}
      <p className="muted">{t('storage.archiveNote')}</p>
      {trash && trash.totalEmails > 0 && <p className="muted">{t('storage.trashHint', { n: trash.totalEmails })}</p>}
      <label className="inline">
        {t('storage.minSize')}
        <select value={minSize} onChange={(e) => setMinSize(Number(e.target.value))}>
          <option value={0}>{t('storage.any')}</option>
          {MIN_SIZES.map((n) => <option key={n} value={n}>{formatSize(n)}</option>)}
        </select>
      </label>
      <h2 className="section-title">{t('storage.tableCaption')}</h2>
      {items === null ? <p role="status">{t('app.loading')}</p> : items.length === 0 ? <p>{t('storage.none')}</p> : (
        <table className="data-table messages-table">
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
                  <button type="button" className="btn small danger" onClick={() => void act(e)}>{t('storage.deleteFrees', { size: formatSize(e.size) })}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2 className="section-title">{t('storage.attTitle')}</h2>
      <p className="muted">{t('storage.attIntro')}</p>
      {files === null ? <p role="status">{t('app.loading')}</p> : files.length === 0 ? <p>{t('storage.attNone')}</p> : (
        <table className="data-table attachments-table">
          <caption className="sr-only">{t('storage.attTitle')}</caption>
          <thead><tr><th scope="col">{t('storage.attachment')}</th><th scope="col">{t('storage.size')}</th><th scope="col">{t('storage.actions')}</th></tr></thead>
          <tbody>
            {files.map(({ email: e, part: p, key }) => (
              <tr key={key}>
                <td>
                  <strong>{p.name ?? t('reader.unnamed')}</strong>
                  <span className="muted small block">{t('storage.inMessage', { subject: e.subject || t('list.noSubject'), size: formatSize(e.size) })}</span>
                </td>
                <td>{formatSize(p.size)}</td>
                <td className="nowrap">
                  <button type="button" className="btn small danger" onClick={() => void act(e)}>{t('storage.deleteMessageFrees', { size: formatSize(e.size) })}</button>
                  <button type="button" className="btn small" onClick={() => void act(e, p)}>{t('storage.downloadDeleteFrees', { size: formatSize(e.size) })}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
