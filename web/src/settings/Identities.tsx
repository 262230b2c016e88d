/**
 * Settings › Identities and signatures (RFC 8621 §6 Identity/set): for each address one sends
 * from, the name shown, an optional reply-to address and the signature; a new identity for one of
 * the account's own addresses (an alias), and removal of those the server lets go (mayDelete).
 */
import { useState, type FormEvent } from 'react';
import type { Jmap } from '../api/jmap.ts';
import { t } from '../i18n/index.ts';
import { createIdentity, destroyIdentity, updateIdentity, type Identity } from '../mail/data.ts';
import { reasonText } from '../ui/errors.ts';
import { toast } from '../ui/toast.tsx';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A refusal in words: sending as someone else's address is the one the user can act on. */
function refusal(e: unknown): string {
  return (e as { type?: string }).type === 'forbiddenFrom' ? t('identities.notYours') : t('app.actionFailed', { reason: reasonText(e) });
}

function IdentityForm({ jmap, identity, onSaved, onRemoved }: { jmap: Jmap; identity: Identity; onSaved: (i: Identity) => void; onRemoved: () => void }) {
  const [name, setName] = useState(identity.name ?? '');
  const [replyTo, setReplyTo] = useState(identity.replyTo?.[0]?.email ?? '');
  const [signature, setSignature] = useState(identity.textSignature ?? '');
  const [error, setError] = useState<string | null>(null);
  const id = identity.id;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const reply = replyTo.trim();
    if (reply && !EMAIL.test(reply)) return setError(t('identities.badReplyTo'));
    setError(null);
    const patch = { name: name.trim(), replyTo: reply ? [{ name: null, email: reply }] : null, textSignature: signature, htmlSignature: '' };
    try {
      await updateIdentity(jmap, id, patch);
      onSaved({ ...identity, ...patch });
      toast(t('settings.saved'));
    } catch (err) {
      setError(refusal(err));
    }
  };
  const remove = async () => {
    try {
      await destroyIdentity(jmap, id);
      toast(t('identities.removed', { email: identity.email }));
      onRemoved();
    } catch (err) {
      setError(refusal(err));
    }
  };
  return (
    <form className="identity stack-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`idt-${id}`}>
      <h3 id={`idt-${id}`}>{identity.email}</h3>
      <label htmlFor={`name-${id}`}>{t('identities.name')}</label>
      <input id={`name-${id}`} value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
      <label htmlFor={`reply-${id}`}>{t('identities.replyTo')}</label>
      <input id={`reply-${id}`} type="email" value={replyTo} onChange={(e) => setReplyTo(e.target.value)} aria-describedby={`reply-hint-${id}`} aria-invalid={error === t('identities.badReplyTo') || undefined} />
      <p id={`reply-hint-${id}`} className="muted small">{t('identities.replyToHint')}</p>
      <label htmlFor={`sig-${id}`}>{t('settings.signatureFor', { email: identity.email })}</label>
      <textarea id={`sig-${id}`} rows={5} value={signature} onChange={(e) => setSignature(e.target.value)} />
      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="row-actions">
        <button type="submit" className="btn primary">{t('common.save')}</button>
        {identity.mayDelete && <button type="button" className="btn danger" onClick={() => void remove()}>{t('identities.remove', { email: identity.email })}</button>}
      </div>
    </form>
  );
}

function NewIdentity({ jmap, onCreated }: { jmap: Jmap; onCreated: (i: Identity) => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const address = email.trim();
    if (!EMAIL.test(address)) return setError(t('identities.badEmail'));
    setError(null);
    try {
      onCreated(await createIdentity(jmap, { name: name.trim(), email: address }));
      setEmail('');
      setName('');
      toast(t('identities.added', { email: address }));
    } catch (err) {
      setError(refusal(err));
    }
  };
  return (
    <form className="stack-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="idt-new">
      <h3 id="idt-new">{t('identities.add')}</h3>
      <p className="muted small">{t('identities.addHint')}</p>
      <label htmlFor="idt-new-email">{t('identities.email')}</label>
      <input id="idt-new-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={error ? 'idt-new-error' : undefined} />
      <label htmlFor="idt-new-name">{t('identities.name')}</label>
      <input id="idt-new-name" value={name} onChange={(e) => setName(e.target.value)} />
      {error && <p id="idt-new-error" className="form-error" role="alert">{error}</p>}
      <button type="submit" className="btn">{t('identities.addButton')}</button>
    </form>
  );
}

export function Identities({ jmap, identities, onIdentities }: { jmap: Jmap; identities: Identity[]; onIdentities: (i: Identity[]) => void }) {
  return (
    <section aria-labelledby="s-sig"><h2 id="s-sig">{t('settings.signatures')}</h2>
      {!identities.length && <p>{t('settings.noIdentities')}</p>}
      {identities.map((i) => (
        <IdentityForm
          key={i.id}
          jmap={jmap}
          identity={i}
          onSaved={(n) => onIdentities(identities.map((x) => (x.id === n.id ? n : x)))}
          onRemoved={() => onIdentities(identities.filter((x) => x.id !== i.id))}
        />
      ))}
      <NewIdentity jmap={jmap} onCreated={(n) => onIdentities([...identities, n])} />
    </section>
  );
}
