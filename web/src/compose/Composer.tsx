/** The composer (lazy-loaded): recipients, rich or plain text, attachments, autosaved drafts, guard rails. RFC 8621 §4.6 Email/set create. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { generateHTML, generateJSON, type Editor } from '@tiptap/react';
import type { Jmap } from '../api/jmap.ts';
import { formatFullDate, formatSize, t } from '../i18n/index.ts';
import { getPrefs, isHoliday, isWorkingTime, nextWorkingMorning, setPrefs, usePrefs } from '../prefs.ts';
import { byRole, getFull, type Address, type BodyPart, type Identity, type Mailbox, type Quota } from '../mail/data.ts';
import { escapeHtml } from '../mail/html.ts';
import { Confirm } from '../ui/Dialog.tsx';
import { toast } from '../ui/toast.tsx';
import { RecipientInput } from './RecipientInput.tsx';
import { RichEditor } from './Editor.tsx';
import { prefixed, quoteHtml, quoteText, replyRecipients } from './quote.ts';
import { maxDelayedSend } from './send.ts';
import { reasonText, refusalText, UserError } from '../ui/errors.ts';
import { recentAddresses } from './contacts.ts';
import { fromCid, toCid, type InlineFile } from './inline.ts';
import { signatureHtml, signatureText, swapSignature } from './signature.ts';
import type { ComposeRequest, SendJob } from './types.ts';

interface Upload { key: string; name: string; type: string; size: number; blobId?: string; progress: number; error?: string; cid?: string; inline?: boolean }
type Guard = { kind: 'bcc' | 'replyAll' | 'hours'; n?: number; at?: Date } | null;

/** "YYYY-MM-DDTHH:MM" in local time, for <input type="datetime-local">. */
function localInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Thresholds for the guard rails. */
const MANY_EXTERNAL = 5;
const LARGE_REPLY_ALL = 20;

export default function Composer(props: { jmap: Jmap; request: ComposeRequest; boxes: Mailbox[]; identities: Identity[]; quota: Quota | null; onClose: () => void; onSend: (job: SendJob) => void }) {
  const { jmap, request, identities } = props;
  const prefs = usePrefs();
  const [identityId, setIdentityId] = useState(identities[0]?.id ?? '');
  const identity = identities.find((i) => i.id === identityId) ?? identities[0];
  const myEmail = identity?.email ?? jmap.session.username;
  const ownDomain = myEmail.split('@')[1]?.toLowerCase() ?? '';
  const [to, setTo] = useState<Address[]>(request.to ?? []);
  const [cc, setCc] = useState<Address[]>([]);
  const [bcc, setBcc] = useState<Address[]>([]);
  const [showCc, setShowCc] = useState(false);
  const [subject, setSubject] = useState('');
  const [html, setHtml] = useState('');
  const [text, setText] = useState('');
  const [rich, setRich] = useState(prefs.composeHtml);
  const [initial, setInitial] = useState<string | null>(null);
  const [files, setFiles] = useState<Upload[]>([]);
  const [refs, setRefs] = useState<{ inReplyTo: string[] | null; references: string[] | null }>({ inReplyTo: null, references: null });
  const [saved, setSaved] = useState<'idle' | 'saving' | 'saved' | 'error'>('idle');
  const [guard, setGuard] = useState<Guard>(null);
  const [sendAt, setSendAt] = useState<Date | null>(null);
  const [suggestions, setSuggestions] = useState<Address[]>([]);
  const dirty = useRef(false);
  const editorRef = useRef<Editor | null>(null);
  const inlineUrl = (f: InlineFile) => jmap.downloadUrl(f.blobId ?? '', f.name, f.type, true);
  const dialogRef = useRef<HTMLDivElement>(null);

  // Initial content from the request (reply, forward, existing draft, new with signature).
  useEffect(() => {
    const sig = signatureHtml(identity);
    const sigText = signatureText(identity);
    const s = request.source;
    void (async () => {
      if (request.mode === 'draft' && request.draftId) {
        const d = await getFull(jmap, request.draftId);
        if (!d) return setInitial('<p></p>');
        setTo(d.to ?? []); setCc(d.cc ?? []); setBcc(d.bcc ?? []); setShowCc(!!(d.cc?.length || d.bcc?.length));
        setSubject(d.subject ?? '');
        const hp = d.htmlBody.find((p) => p.type === 'text/html');
        const tp = d.textBody.find((p) => p.type === 'text/plain');
        const h = hp?.partId ? d.bodyValues[hp.partId]?.value ?? '' : '';
        const tx = tp?.partId ? d.bodyValues[tp.partId]?.value ?? '' : '';
        const draftFiles = d.attachments.filter((a) => a.blobId).map((a, i) => ({ key: `d${i}`, name: a.name ?? t('compose.defaultFileName'), type: a.type, size: a.size, blobId: a.blobId!, progress: 1, cid: a.cid ?? undefined, inline: a.disposition === 'inline' }));
        // The draft's inline images (cid:) show in the editor through their download URLs.
        const shown = fromCid(h, draftFiles, inlineUrl);
        setRich(!!hp);
        setHtml(shown); setText(tx); setInitial(shown || `<p>${escapeHtml(tx)}</p>`);
        setFiles(draftFiles);
        setRefs({ inReplyTo: null, references: null });
        return;
      }
      if (s && request.mode !== 'new') {
        const fwd = request.mode === 'forward';
        if (!fwd) {
          const r = replyRecipients(s, identities.map((i) => i.email.toLowerCase()).concat(myEmail.toLowerCase()), request.mode === 'replyAll');
          setTo(r.to); setCc(r.cc); setShowCc(r.cc.length > 0);
          setRefs({ inReplyTo: s.messageId, references: [...(s.references ?? []), ...(s.messageId ?? [])] });
        } else {
          setFiles(s.attachments.filter((a) => a.blobId).map((a: BodyPart, i) => ({ key: `f${i}`, name: a.name ?? t('compose.defaultFileName'), type: a.type, size: a.size, blobId: a.blobId!, progress: 1 })));
        }
        setSubject(prefixed(s.subject, fwd ? 'Fwd' : 'Re'));
        const h = (sig ? `<p></p>${sig}` : '') + quoteHtml(s, fwd);
        setHtml(h); setText(sigText + quoteText(s, fwd)); setInitial(h);
        return;
      }
      const h = sig ? `<p></p><p></p>${sig}` : '<p></p>';
      setHtml(h); setText(sigText); setInitial(h);
    })();
    void recentAddresses(jmap).then(setSuggestions);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  /** Another From identity: its signature replaces the previous one; what the user wrote stays. */
  const switchIdentity = (id: string) => {
    const next = identities.find((i) => i.id === id);
    setIdentityId(id);
    const s = request.source && request.mode !== 'new' && request.mode !== 'draft' ? request.source : null;
    const ed = editorRef.current;
    if (rich && ed) {
      // The signatures as the editor serialises them (it rewrites the HTML it is given).
      const ext = ed.extensionManager.extensions;
      const norm = (h: string) => (h ? generateHTML(generateJSON(h, ext), ext) : '');
      const body = swapSignature(ed.getHTML(), norm(signatureHtml(identity)), norm(signatureHtml(next)), s ? norm(quoteHtml(s, request.mode === 'forward')).replace(/^<p><\/p>/, '') : '');
      if (body !== null) ed.commands.setContent(body, { emitUpdate: true });
    } else if (!rich) {
      const body = swapSignature(text, signatureText(identity), signatureText(next), s ? quoteText(s, request.mode === 'forward') : '');
      if (body !== null) setText(body);
    }
  };

  const drafts = byRole(props.boxes, 'drafts');
  const uploading = files.some((f) => !f.blobId && !f.error);

  // One save at a time: each replaces the previous draft, so overlapping saves would leave copies.
  const saving = useRef<Promise<string | null> | null>(null);
  const draftRef = useRef<string | null>(request.draftId ?? null);
  // A draft's attachment is a part of the draft message (its blobId names that part, RFC 8621
  // §4.1.4), and each save replaces the draft: the next save must name the part of the draft just
  // created, not of the one it destroyed. Upload key → blobId in the latest saved draft.
  const partBlob = useRef(new Map<string, string>());
  const saveDraft = async (): Promise<string | null> => {
    while (saving.current) await saving.current.catch(() => null);
    const p = saveDraftNow();
    saving.current = p;
    try {
      return await p;
    } finally {
      saving.current = null;
    }
  };

  /** RFC 8621 §4.6: create the new draft and destroy the previous one in one request. */
  const saveDraftNow = async (): Promise<string | null> => {
    if (!drafts) return null;
    setSaved('saving');
    const bodyHtml = toCid(html, files, inlineUrl);
    const email: Record<string, unknown> = {
      mailboxIds: { [drafts.id]: true },
      keywords: { $draft: true, $seen: true },
      from: [{ name: identity?.name || null, email: myEmail }],
      to, cc, bcc,
      subject,
      inReplyTo: refs.inReplyTo,
      references: refs.references,
      attachments: files.filter((f) => f.blobId).map((f) => ({ blobId: partBlob.current.get(f.key) ?? f.blobId, type: f.type, name: f.name, disposition: f.inline ? 'inline' : 'attachment', cid: f.cid ?? null })),
    };
    if (rich) {
      email.htmlBody = [{ partId: 'h', type: 'text/html' }];
      email.textBody = [{ partId: 't', type: 'text/plain' }];
      email.bodyValues = { h: { value: bodyHtml }, t: { value: text } };
    } else {
      email.textBody = [{ partId: 't', type: 'text/plain' }];
      email.bodyValues = { t: { value: text } };
    }
    const sent = files.filter((f) => f.blobId);
    try {
      // The new draft's attachments in the same request (RFC 8620 §5.3 "#d"): see partBlob.
      const res = await jmap.call([
        ['Email/set', { accountId: jmap.accountId, create: { d: email }, destroy: draftRef.current ? [draftRef.current] : undefined }, 's'],
        ['Email/get', { accountId: jmap.accountId, ids: ['#d'], properties: ['attachments'] }, 'g'],
      ]);
      const r = res.get('s') as { __error?: Error; created?: Record<string, { id: string }>; notCreated?: Record<string, { type: string; description?: string }> } | undefined;
      if (r?.__error) throw r.__error;
      const id = r?.created?.d?.id;
      if (!id) throw new UserError(r?.notCreated?.d ? refusalText(r.notCreated.d) : t('compose.notCreated'));
      const parts = ((res.get('g')?.list as { attachments?: BodyPart[] }[] | undefined)?.[0]?.attachments ?? []).filter((a) => a.blobId);
      for (const f of sent) {
        const i = parts.findIndex((a) => a.name === f.name && (a.cid ?? null) === (f.cid ?? null));
        if (i >= 0) partBlob.current.set(f.key, parts.splice(i, 1)[0]!.blobId!);
      }
      draftRef.current = id;
      dirty.current = false;
      setSaved('saved');
      return id;
    } catch (e) {
      setSaved('error');
      throw e;
    }
  };

  // Autosave: 3 s after the last change.
  useEffect(() => {
    if (initial === null) return;
    dirty.current = true;
    const timer = setTimeout(() => { if (!uploading) void saveDraft().catch(() => {}); }, 3000);
    return () => clearTimeout(timer);
  }, [to, cc, bcc, subject, html, text, files, rich]); // eslint-disable-line react-hooks/exhaustive-deps

  const upload = (list: FileList | File[], inline = false) => {
    for (const file of Array.from(list)) {
      const key = `${Date.now()}-${Math.random()}`;
      const maxUpload = Number(jmap.session.capabilities['urn:ietf:params:jmap:core']?.maxSizeUpload ?? 0);
      const q = props.quota;
      let error: string | undefined;
      if (maxUpload && file.size > maxUpload) error = t('compose.tooBig', { max: formatSize(maxUpload) });
      else if (q && q.hardLimit && q.used + file.size > q.hardLimit) error = t('compose.overQuota');
      const cid = inline ? `${key.replace(/\W/g, '')}@preau` : undefined;
      setFiles((fs) => [...fs, { key, name: file.name, type: file.type || 'application/octet-stream', size: file.size, progress: 0, error, cid, inline }]);
      if (error) continue;
      jmap.upload(file, (p) => setFiles((fs) => fs.map((f) => (f.key === key ? { ...f, progress: p } : f))))
        .then((r) => {
          setFiles((fs) => fs.map((f) => (f.key === key ? { ...f, blobId: r.blobId, progress: 1 } : f)));
          if (inline) editorRef.current?.chain().focus().setImage({ src: inlineUrl({ blobId: r.blobId, name: file.name, type: file.type || 'application/octet-stream' }), alt: file.name }).run();
        })
        .catch(() => setFiles((fs) => fs.map((f) => (f.key === key ? { ...f, error: t('compose.uploadFailed') } : f))));
    }
  };

  const all = [...to, ...cc, ...bcc];
  const external = [...to, ...cc].filter((a) => !a.email.toLowerCase().endsWith(`@${ownDomain}`));

  /** Guard rails run in order; each can stop the send with a question. */
  const trySend = async (skip: Set<Guard extends null ? never : string> = new Set(), at: Date | null = sendAt) => {
    if (!all.length) return toast(t('compose.noRecipients'), { error: true });
    if (uploading) return toast(t('compose.waitUploads'), { error: true });
    if (!skip.has('bcc') && external.length >= MANY_EXTERNAL) return setGuard({ kind: 'bcc', n: external.length });
    if (!skip.has('replyAll') && request.mode === 'replyAll' && all.length >= LARGE_REPLY_ALL) return setGuard({ kind: 'replyAll', n: all.length });
    const now = new Date();
    if (!skip.has('hours') && !at && !isWorkingTime(now, getPrefs())) return setGuard({ kind: 'hours', at: nextWorkingMorning(now) });
    try {
      const id = await saveDraft();
      if (!id) throw new UserError(t('compose.noDrafts'));
      props.onSend({ draftId: id, identityId: identity?.id ?? '', from: myEmail, rcptTo: all.map((a) => a.email), sendAt: at ?? undefined });
    } catch (e) {
      toast(t('compose.saveFailed', { reason: reasonText(e) }), { error: true });
    }
  };
  const skipped = useRef(new Set<string>());
  const continueSend = (kind: string, at: Date | null = sendAt) => {
    skipped.current.add(kind);
    setGuard(null);
    void trySend(skipped.current as Set<never>, at);
  };

  const close = async () => {
    if (dirty.current && !uploading) await saveDraft().catch(() => {});
    props.onClose();
  };
  const discard = async () => {
    await saving.current?.catch(() => null);
    if (draftRef.current) await jmap.one('Email/set', { destroy: [draftRef.current] }).catch(() => {});
    props.onClose();
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape' && !guard) void close(); };
    dialogRef.current?.addEventListener('keydown', onKey);
    const el = dialogRef.current;
    return () => el?.removeEventListener('keydown', onKey);
  });

  const canSchedule = maxDelayedSend(jmap) > 0;
  const title = request.mode === 'reply' || request.mode === 'replyAll' ? t('compose.replyTitle') : request.mode === 'forward' ? t('compose.forwardTitle') : t('compose.new');
  const savedLabel = useMemo(() => ({ idle: '', saving: t('compose.saving'), saved: t('compose.saved'), error: t('compose.saveError') })[saved], [saved]);

  return (
    <div className="composer" role="dialog" aria-modal="false" aria-labelledby="composer-title" ref={dialogRef}>
      <div className="composer-head">
        <h2 id="composer-title">{title}</h2>
        <span className="muted small" role="status">{savedLabel}</span>
        <button type="button" className="btn icon" onClick={() => void close()}>
          <span aria-hidden="true">×</span><span className="sr-only">{t('compose.closeSave')}</span>
        </button>
      </div>
      <form className="composer-body" onSubmit={(e) => { e.preventDefault(); skipped.current = new Set(); void trySend(); }}>
        {identities.length > 1 && (
          <div className="field-row">
            <label htmlFor="compose-from">{t('compose.from')}</label>
            <select id="compose-from" value={identityId} onChange={(e) => switchIdentity(e.target.value)}>
              {identities.map((i) => <option key={i.id} value={i.id}>{i.name ? `${i.name} <${i.email}>` : i.email}</option>)}
            </select>
          </div>
        )}
        <RecipientInput label={t('compose.to')} value={to} onChange={setTo} suggestions={suggestions} ownDomain={ownDomain} autoFocus={request.mode === 'new' || request.mode === 'forward'} />
        {showCc ? (
          <>
            <RecipientInput label={t('compose.cc')} value={cc} onChange={setCc} suggestions={suggestions} ownDomain={ownDomain} />
            <RecipientInput label={t('compose.bcc')} value={bcc} onChange={setBcc} suggestions={suggestions} ownDomain={ownDomain} />
          </>
        ) : (
          <button type="button" className="btn link small" onClick={() => setShowCc(true)}>{t('compose.showCc')}</button>
        )}
        {external.length > 0 && <p className="hint external-note">{t('compose.externalNote', { n: external.length })}</p>}
        <div className="field-row">
          <label htmlFor="compose-subject">{t('compose.subject')}</label>
          <input id="compose-subject" value={subject} onChange={(e) => setSubject(e.target.value)} />
        </div>
        {initial !== null && (rich ? (
          <RichEditor initial={initial} label={t('compose.body')} onChange={(h, tx) => { setHtml(h); setText(tx); }} onReady={(e) => { editorRef.current = e; }} />
        ) : (
          <textarea className="plain-editor" aria-label={t('compose.body')} value={text} onChange={(e) => setText(e.target.value)} rows={14} />
        ))}
        {files.length > 0 && (
          <ul className="uploads" aria-label={t('compose.attachments')}>
            {files.map((f) => (
              <li key={f.key} className={f.error ? 'error' : ''}>
                <span className="att-name">{f.name}</span>
                <span className="muted small">{formatSize(f.size)}</span>
                {f.error ? <span className="form-error small" role="alert">{f.error}</span> : !f.blobId && (
                  <progress max={1} value={f.progress} aria-label={t('compose.uploading', { name: f.name })} />
                )}
                <button type="button" className="btn icon small" onClick={() => setFiles((fs) => fs.filter((x) => x.key !== f.key))} aria-label={t('compose.removeFile', { name: f.name })}>×</button>
              </li>
            ))}
          </ul>
        )}
        {sendAt && <p className="banner info" role="status">{t('compose.scheduledFor', { date: formatFullDate(sendAt) })} <button type="button" className="btn small" onClick={() => setSendAt(null)}>{t('common.cancel')}</button></p>}
        <div className="composer-actions">
          <button type="submit" className="btn primary">{sendAt ? t('compose.schedule') : t('compose.send')}</button>
          <label className="btn file-btn">
            <input type="file" multiple className="sr-only" onChange={(e) => { if (e.target.files) upload(e.target.files); e.target.value = ''; }} />
            <span>{t('compose.attach')}</span>
          </label>
          {rich && (
            <label className="btn file-btn">
              <input type="file" accept="image/*" className="sr-only" onChange={(e) => { if (e.target.files) upload(e.target.files, true); e.target.value = ''; }} />
              <span>{t('compose.inlineImage')}</span>
            </label>
          )}
          {canSchedule && !sendAt && (
            <details className="schedule">
              <summary className="btn">{t('compose.scheduleMenu')}</summary>
              <div className="schedule-panel">
                <button type="button" className="btn" onClick={() => setSendAt(nextWorkingMorning(new Date()))}>{t('compose.scheduleMorning')}</button>
                <label>{t('compose.scheduleAt')}
                  <input type="datetime-local" min={localInput(new Date())} onChange={(e) => { const d = new Date(e.target.value); if (!Number.isNaN(d.getTime()) && d.getTime() > Date.now()) setSendAt(d); }} />
                </label>
              </div>
            </details>
          )}
          <button type="button" className="btn" aria-pressed={!rich} onClick={() => {
            setRich(!rich);
            setPrefs({ composeHtml: !rich });
            // Back to rich text: a new editor starts from the plain text (the body stays shown in both modes).
            if (!rich) { const h = `<p>${escapeHtml(text).replace(/\n/g, '<br>')}</p>`; setInitial(h); setHtml(h); }
          }}>
            {rich ? t('compose.plainText') : t('compose.richText')}
          </button>
          <button type="button" className="btn danger" onClick={() => void discard()}>{t('compose.discard')}</button>
        </div>
      </form>
      {guard?.kind === 'bcc' && (
        <Confirm
          title={t('guard.bccTitle')}
          text={t('guard.bccText', { n: guard.n ?? 0 })}
          confirmLabel={t('guard.moveToBcc')}
          onConfirm={() => {
            const ext = new Set(external.map((a) => a.email));
            setBcc([...bcc, ...external]);
            setTo(to.filter((a) => !ext.has(a.email)));
            setCc(cc.filter((a) => !ext.has(a.email)));
            setShowCc(true);
            setGuard(null);
            toast(t('guard.movedToBcc'));
          }}
          onCancel={() => continueSend('bcc')}
        />
      )}
      {guard?.kind === 'replyAll' && (
        <Confirm title={t('guard.replyAllTitle')} text={t('guard.replyAllText', { n: guard.n ?? 0 })} confirmLabel={t('guard.sendAll')} onConfirm={() => continueSend('replyAll')} onCancel={() => setGuard(null)} />
      )}
      {guard?.kind === 'hours' && guard.at && (
        <Confirm
          title={t('guard.hoursTitle')}
          text={canSchedule ? t(isHoliday(new Date()) ? 'guard.holidayText' : 'guard.hoursText', { date: formatFullDate(guard.at) }) : t('guard.hoursTextNoSchedule')}
          confirmLabel={canSchedule ? t('guard.scheduleMorning') : t('guard.sendNow')}
          onConfirm={() => (canSchedule ? continueSend('hours', guard.at!) : continueSend('hours'))}
          onCancel={() => (canSchedule ? continueSend('hours') : setGuard(null))}
        />
      )}
    </div>
  );
}
