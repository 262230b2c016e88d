/** Reading pane: header, protection banners, remote-image bar, sandboxed body, attachments. */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Jmap } from '../api/jmap.ts';
import { formatFullDate, formatSize, getLang, t } from '../i18n/index.ts';
import { getPrefs, setPrefs, usePrefs } from '../prefs.ts';
import { displayAddress, type Address, type BodyPart, type EmailFull, type Verdict } from './data.ts';
import { htmlToText, prepareHtml, shell, textToHtml } from './html.ts';
import { Icon } from '../ui/Icon.tsx';

function AddressList({ label, list }: { label: string; list: Address[] | null }) {
  if (!list?.length) return null;
  return (
    <div className="addr-line">
      <dt>{label}</dt>
      <dd>{list.map((a, i) => <span key={i} className="addr" title={a.email}>{a.name ? `${a.name} <${a.email}>` : a.email}{i < list.length - 1 ? ', ' : ''}</span>)}</dd>
    </div>
  );
}

export function Banners({ verdict, email }: { verdict: Verdict | null | undefined; email: EmailFull }) {
  if (!verdict) return null;
  const out: { level: string; title: string; text: string; list?: string[] }[] = [];
  const reasons = getLang() === 'en' && verdict.reasonsEn?.length ? verdict.reasonsEn : verdict.reasons;
  const a = verdict.auth;
  // DMARC failed, or SPF failed without a passing DKIM signature (RFC 7489 §6.6.2, RFC 7208 §2.6.4).
  const authFailed = !!a && (a.dmarc === 'fail' || (a.spf === 'fail' && a.dkim !== 'pass'));
  if (verdict.phishing) out.push({ level: 'danger', title: t('verdict.phishingTitle'), text: t('verdict.phishing'), list: reasons });
  if (authFailed && !verdict.phishing) out.push({ level: 'danger', title: t('verdict.authTitle'), text: t('verdict.auth', { email: email.from?.[0]?.email ?? '' }) });
  if (verdict.dangerousAttachments?.length) out.push({ level: 'danger', title: t('verdict.attachTitle'), text: t('verdict.attach'), list: verdict.dangerousAttachments });
  if (verdict.external && !verdict.phishing) out.push({ level: 'info', title: t('verdict.externalTitle'), text: t('verdict.external') });
  if (verdict.action === 'junk' && !verdict.phishing) out.push({ level: 'warning', title: t('verdict.spamTitle'), text: t('verdict.spam') });
  if (verdict.verified) out.push({ level: 'ok', title: t('verdict.verifiedTitle'), text: t('verdict.verified') });
  return (
    <>
      {out.map((b) => (
        <div key={b.title} className={`banner ${b.level}`} role={b.level === 'danger' ? 'alert' : 'note'}>
          <strong>{b.title}</strong> <span>{b.text}</span>
          {b.list && b.list.length > 0 && <ul>{b.list.map((r) => <li key={r}>{r}</li>)}</ul>}
        </div>
      ))}
    </>
  );
}

/**
 * The body in an iframe: sandbox without allow-scripts, the document with its own strict CSP
 * (html.ts). The document is written into the frame's initial empty document rather than given as
 * srcdoc: a srcdoc is a navigation, whose commit comes back from the browser process 15–30 ms
 * later; written, the body is laid out in the same task and painted in the click's own frame. Same
 * protection either way: the sandbox flags of the frame apply to the document in it (scripts and
 * event handlers never run, no forms, no top navigation), the document inherits the page's CSP
 * and adds its own (img-src without remote hosts unless allowed), and allow-same-origin was
 * already needed to measure the height.
 */
export function MessageFrame({ html, title }: { html: string; title: string }) {
  const ref = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(200);
  // A new frame for each new document: a document's CSP cannot be relaxed once applied, so
  // "show images" (a wider img-src) needs a document of its own, and none inherits the last one's state.
  const doc = useRef({ html, n: 0 });
  if (doc.current.html !== html) doc.current = { html, n: doc.current.n + 1 };
  useLayoutEffect(() => {
    const frame = ref.current;
    const d = frame?.contentDocument;
    if (!frame || !d) return;
    d.open();
    d.write(html);
    d.close();
    // The content's own height: documentElement.scrollHeight never goes below the frame's current
    // height, so a short message would keep the initial 200 px.
    const measure = () => Math.max(80, Math.max(d.body?.scrollHeight ?? 0, d.documentElement?.offsetHeight ?? 0) + 8);
    setHeight(measure());
    // Images and fonts arriving later change the height.
    const ro = d.body ? new ResizeObserver(() => setHeight(measure())) : null;
    if (d.body) ro?.observe(d.body);
    return () => ro?.disconnect();
  }, [html]);
  return (
    <iframe
      key={doc.current.n}
      ref={ref}
      className="mail-frame"
      title={title}
      // No allow-scripts: nothing in the mail can run. allow-same-origin lets us write the document and measure its height.
      sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
      referrerPolicy="no-referrer"
      style={{ height }}
    />
  );
}

function partUrl(jmap: Jmap, p: BodyPart, inline = false): string {
  return jmap.downloadUrl(p.blobId ?? '', p.name ?? t('reader.defaultFileName'), p.type, inline);
}

function fileIcon(type: string): string {
  return type.startsWith('image/') ? 'image' : 'file';
}

export function Attachments({ jmap, parts, dangerous, idSuffix = '' }: { jmap: Jmap; parts: BodyPart[]; dangerous: string[]; idSuffix?: string }) {
  const files = parts.filter((p) => p.blobId && (p.disposition !== 'inline' || !p.cid));
  const [previewing, setPreviewing] = useState<string | null>(null);
  if (!files.length) return null;
  const open = files.find((p, i) => `${p.blobId}-${i}` === previewing);
  return (
    <section className="attachments" aria-labelledby={`att-title${idSuffix}`}>
      <h2 id={`att-title${idSuffix}`} className="section-title">{t('reader.attachments', { n: files.length })}</h2>
      <ul>
        {files.map((p, i) => {
          const name = p.name ?? t('reader.unnamed');
          const bad = dangerous.includes(name);
          return (
            <li key={p.blobId! + i} className={`attachment${bad ? ' dangerous' : ''}`}>
              {p.type.startsWith('image/') && !bad ? (
                <img className="thumb" src={partUrl(jmap, p, true)} alt="" loading="lazy" />
              ) : (
                <span className="file-icon"><Icon name={fileIcon(p.type)} size={28} /></span>
              )}
              <span className="att-info">
                <span className="att-name">{name}</span>
                <span className="att-meta">{p.type} · {formatSize(p.size)}{bad ? ` · ${t('reader.dangerous')}` : ''}</span>
              </span>
              <span className="att-actions">
                {p.type === 'application/pdf' && !bad && (
                  <button type="button" className="btn small" aria-expanded={previewing === `${p.blobId}-${i}`} aria-controls={`att-preview${idSuffix}`}
                    onClick={() => setPreviewing((v) => (v === `${p.blobId}-${i}` ? null : `${p.blobId}-${i}`))}>
                    {t('reader.preview')}<span className="sr-only"> {name}</span>
                  </button>
                )}
                {p.type.startsWith('image/') && !bad && (
                  <a className="btn small" href={partUrl(jmap, p, true)} target="_blank" rel="noopener noreferrer">{t('reader.preview')}<span className="sr-only"> {name}</span></a>
                )}
                <a className="btn small" href={partUrl(jmap, p)} download={name}>{t('reader.download')}<span className="sr-only"> {name}</span></a>
              </span>
            </li>
          );
        })}
      </ul>
      {open && (
        // The server answers ?inline=1 for PDF with `inline`, a sandbox CSP and nosniff (src/jmap/blob-routes.ts).
        <iframe id={`att-preview${idSuffix}`} className="pdf-preview" title={t('reader.previewOf', { name: open.name ?? t('reader.unnamed') })} src={partUrl(jmap, open, true)} referrerPolicy="no-referrer" />
      )}
    </section>
  );
}

/** The iframe document of one email: server-sanitised HTML when offered, else the body parts. */
export function emailDocument(jmap: Jmap, email: EmailFull, showRemote: boolean, preferHtml: boolean): { doc: string; hasRemote: boolean } {
  const cidMap = new Map<string, BodyPart>();
  for (const p of [...email.attachments, ...email.htmlBody]) if (p.cid) cidMap.set(p.cid.replace(/^<|>$/g, ''), p);
  const cidUrl = (cid: string) => { const c = cidMap.get(cid); return c ? partUrl(jmap, c, true) : null; };
  if (preferHtml && email.preauSafeHtml) {
    // Server-sanitised (src/jmap/safe-html.ts); the client pass is defence in depth.
    const r = prepareHtml(email.preauSafeHtml.html, { showRemote, cidUrl, accountId: jmap.accountId });
    return { doc: shell(r.html, showRemote, false), hasRemote: r.hasRemote || email.preauSafeHtml.blockedImages > 0 };
  }
  let body = '';
  let hasRemote = false;
  let safeShown = false;
  for (const p of preferHtml ? email.htmlBody : email.textBody) {
    const v = p.partId ? email.bodyValues[p.partId]?.value : undefined;
    if (v === undefined) continue;
    if (p.type === 'text/html' && !preferHtml) {
      // HTML turned off and no text/plain part (RFC 8621 §4.1.4: textBody then holds the HTML part):
      // its text only, from the server-sanitised HTML when offered (it covers the whole htmlBody).
      if (email.preauSafeHtml) {
        if (!safeShown) body += textToHtml(htmlToText(email.preauSafeHtml.html));
        safeShown = true;
      } else body += textToHtml(htmlToText(v));
    } else if (p.type === 'text/html') {
      const r = prepareHtml(v, { showRemote, cidUrl, accountId: jmap.accountId });
      body += r.html;
      hasRemote ||= r.hasRemote;
    } else if (p.type.startsWith('text/')) body += textToHtml(v);
  }
  if (!body) body = textToHtml(email.preview ?? '');
  return { doc: shell(body, showRemote, false), hasRemote };
}

/** From, To, Cc and date of a message. */
export function AddressFields({ email, date }: { email: EmailFull; date: string }) {
  return (
    <dl className="addresses">
      <AddressList label={t('reader.from')} list={email.from} />
      <AddressList label={t('reader.to')} list={email.to} />
      <AddressList label={t('reader.cc')} list={email.cc} />
      <div className="addr-line"><dt>{t('reader.date')}</dt><dd><time dateTime={email.receivedAt}>{date}</time></dd></div>
    </dl>
  );
}

/** "Images blocked" bar: show them once, or always for this sender. */
export function ImagesBar({ email, sender, onShowOnce }: { email: EmailFull; sender: string; onShowOnce: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  // The bar goes away with the button that had focus: keep the keyboard user in this message (its
  // heading, or its fold button in a conversation) rather than back at the top of the page.
  const then = (act: () => void) => () => {
    const target = ref.current?.closest('.conv-item, .reader')?.querySelector<HTMLElement>('.conv-head, #reader-subject');
    act();
    requestAnimationFrame(() => target?.focus());
  };
  return (
    <div ref={ref} className="banner neutral images-bar" role="note">
      <span>{t('reader.imagesBlocked')}</span>
      <button type="button" className="btn small" onClick={then(onShowOnce)}>{t('reader.showImages')}</button>
      {sender && (
        <button type="button" className="btn small" onClick={then(() => setPrefs({ trustedSenders: [...new Set([...getPrefs().trustedSenders, sender])] }))}>
          {t('reader.alwaysShow', { sender: displayAddress(email.from?.[0]) })}
        </button>
      )}
    </div>
  );
}

/**
 * Remote images of one message: blocked unless the user shows them once, always shows them, or
 * trusts the sender; never for a message judged phishing.
 */
export function useRemoteImages(email: EmailFull) {
  const prefs = usePrefs();
  const sender = email.from?.[0]?.email?.toLowerCase() ?? '';
  const [showOnce, setShowOnce] = useState(false);
  useEffect(() => setShowOnce(false), [email.id]);
  const blockAll = !!email.preauVerdict?.phishing;
  const allowed = showOnce || prefs.remoteImages === 'always' || prefs.trustedSenders.includes(sender);
  return { sender, blockAll, showRemote: allowed, show: allowed && !blockAll, showOnce: () => setShowOnce(true) };
}

/** Back button and the actions of the open message or conversation. */
export function ReaderToolbar({ actions, onBack }: { actions: React.ReactNode; onBack: () => void }) {
  return (
    <div className="reader-toolbar">
      <button type="button" className="btn icon back" onClick={onBack}>
        <Icon name="back" /><span className="sr-only">{t('reader.back')}</span>
      </button>
      {actions}
    </div>
  );
}

export function Reader(props: { jmap: Jmap; email: EmailFull; actions: React.ReactNode; onBack: () => void; notice?: React.ReactNode }) {
  const { jmap, email } = props;
  const prefs = usePrefs();
  const { sender, blockAll, showRemote, showOnce } = useRemoteImages(email);
  const verdict = email.preauVerdict;

  const prepared = useMemo(() => emailDocument(jmap, email, showRemote && !blockAll, prefs.preferHtml), [email, showRemote, blockAll, prefs.preferHtml, jmap]);

  const subject = email.subject?.trim() || t('list.noSubject');
  return (
    <article className="reader" aria-labelledby="reader-subject">
      <ReaderToolbar actions={props.actions} onBack={props.onBack} />
      <header className="reader-head">
        <h1 id="reader-subject" tabIndex={-1}>{subject}</h1>
        <AddressFields email={email} date={formatFullDate(email.sentAt ?? email.receivedAt)} />
      </header>
      {props.notice}
      <Banners verdict={verdict} email={email} />
      {prepared.hasRemote && !showRemote && !blockAll && <ImagesBar email={email} sender={sender} onShowOnce={showOnce} />}
      <MessageFrame html={prepared.doc} title={t('reader.bodyTitle', { subject })} />
      <Attachments jmap={jmap} parts={email.attachments} dangerous={verdict?.dangerousAttachments ?? []} />
    </article>
  );
}
