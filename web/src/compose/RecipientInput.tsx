/** Recipient field: chips plus an ARIA combobox (WAI-ARIA APG combobox pattern, aria-activedescendant)
 *  suggesting colleagues and groups from the staff directory and addresses already used. */
import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { t, tn, useLang } from '../i18n/index.ts';
import type { Address } from '../mail/data.ts';
import { directorySuggestions, entryMatches, expandSuggestion, matchRecent, mergeSuggestions, type Suggestion } from './contacts.ts';
import type { DirectoryEntry } from '../api/directory.ts';

/** Wait before asking the directory, so typing a name sends one request, not one per key. */
const DEBOUNCE_MS = 120;

const EMAIL = /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/;

/** Parse "Name <a@b>" or "a@b" lists typed or pasted. */
export function parseAddresses(text: string): Address[] {
  const out: Address[] = [];
  for (const raw of text.split(/[,;\n]/)) {
    const s = raw.trim();
    if (!s) continue;
    const m = /^(.*)<([^>]+)>$/.exec(s);
    const email = (m ? m[2] : s).trim();
    if (EMAIL.test(email)) out.push({ name: m ? m[1].trim().replace(/^"|"$/g, '') || null : null, email });
  }
  return out;
}

export function RecipientInput(props: { label: string; value: Address[]; onChange: (v: Address[]) => void; suggestions: Address[]; ownDomain: string; autoFocus?: boolean }) {
  const id = useId();
  useLang(); // re-render when the language changes
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(true);
  const [dir, setDir] = useState<{ q: string; list: DirectoryEntry[] }>({ q: '', list: [] });
  const q = text.trim();
  // Ask the directory once typing pauses; an answer for an older text is dropped.
  useEffect(() => {
    if (!q || /[,;]/.test(q)) return;
    let live = true;
    const timer = setTimeout(() => {
      void directorySuggestions(q, props.ownDomain).then((list) => { if (live) setDir({ q, list }); });
    }, DEBOUNCE_MS);
    return () => { live = false; clearTimeout(timer); };
  }, [q, props.ownDomain]);
  const matches: Suggestion[] = useMemo(() => {
    if (!q) return [];
    const taken = new Set(props.value.map((a) => a.email.toLowerCase()));
    // Directory results stay on screen while the next answer comes, if they still match.
    const dirList = dir.q === q ? dir.list : dir.q && q.toLowerCase().startsWith(dir.q.toLowerCase()) ? dir.list.filter((e) => entryMatches(e, q)) : [];
    return mergeSuggestions(dirList, matchRecent(props.suggestions, q), taken, 10).filter((s) => s.kind !== 'group' || s.email || s.members > 0);
  }, [q, dir, props.suggestions, props.value]);
  const shown = open && matches.length > 0;
  const current = Math.min(active, Math.max(0, matches.length - 1));
  const add = (list: Address[]) => {
    if (!list.length) return;
    const have = new Set(props.value.map((v) => v.email.toLowerCase()));
    const fresh: Address[] = [];
    for (const a of list) if (!have.has(a.email.toLowerCase())) { have.add(a.email.toLowerCase()); fresh.push(a); }
    props.onChange([...props.value, ...fresh]);
    setText('');
    setActive(0);
  };
  const choose = (s: Suggestion) => {
    setText('');
    setActive(0);
    void expandSuggestion(s).then(add, () => undefined);
  };
  const commit = () => {
    const parsed = parseAddresses(text);
    if (parsed.length) add(parsed);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' && matches.length) { e.preventDefault(); if (!shown) setOpen(true); else setActive((current + 1) % matches.length); }
    else if (e.key === 'ArrowUp' && matches.length) { e.preventDefault(); if (!shown) setOpen(true); else setActive((current - 1 + matches.length) % matches.length); }
    else if (e.key === 'Enter' || e.key === ',' || e.key === ';' || e.key === 'Tab') {
      if (shown && q && !EMAIL.test(q)) { e.preventDefault(); choose(matches[current]); }
      else if (q) { if (e.key !== 'Tab') e.preventDefault(); commit(); }
    } else if (e.key === 'Backspace' && !text && props.value.length) props.onChange(props.value.slice(0, -1));
    // APG combobox: Escape closes the list first, then clears the field.
    else if (e.key === 'Escape') { if (shown) { e.preventDefault(); e.stopPropagation(); setOpen(false); } else if (text) { e.stopPropagation(); setText(''); } }
  };
  const listId = `${id}-list`;
  return (
    <div className="recipients">
      <label htmlFor={id}>{props.label}</label>
      <div className="chips">
        {props.value.map((a) => {
          const external = !a.email.toLowerCase().endsWith(`@${props.ownDomain}`);
          return (
            <span key={a.email} className={`chip${external ? ' external' : ''}`} title={a.email}>
              {a.name || a.email}
              {external && <span className="sr-only"> ({t('compose.external')})</span>}
              <button type="button" className="chip-x" onClick={() => props.onChange(props.value.filter((x) => x !== a))} aria-label={t('compose.removeRecipient', { name: a.name || a.email })}>×</button>
            </span>
          );
        })}
        <input
          id={id}
          role="combobox"
          aria-expanded={shown}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={shown ? `${listId}-${current}` : undefined}
          autoComplete="off"
          autoFocus={props.autoFocus}
          value={text}
          onChange={(e) => { setText(e.target.value); setActive(0); setOpen(true); }}
          onKeyDown={onKey}
          onBlur={commit}
          onPaste={(e) => { const p = parseAddresses(e.clipboardData.getData('text')); if (p.length > 1) { e.preventDefault(); add(p); } }}
        />
      </div>
      <ul id={listId} role="listbox" className={`suggestions${shown ? '' : ' hidden'}`} aria-label={t('compose.suggestions')}>
        {shown && matches.map((s, i) => (
          <li key={s.kind === 'group' ? `g${s.id}` : s.email} id={`${listId}-${i}`} role="option" aria-selected={i === current} style={{ flexWrap: 'wrap' }} onMouseDown={(e) => { e.preventDefault(); choose(s); }} onMouseMove={() => { if (i !== current) setActive(i); }}>
            <Option s={s} />
          </li>
        ))}
      </ul>
      <span className="sr-only" role="status" aria-live="polite">{shown && matches.length ? tn('compose.suggestionCount', matches.length) : ''}</span>
    </div>
  );
}

function Option({ s }: { s: Suggestion }) {
  if (s.kind === 'group') {
    return (
      <>
        <span>{s.name}</span>{' '}
        <span className="muted small">— {t('compose.group')} · {tn('compose.members', s.members)}</span>{' '}
        <span className="muted small">{s.email ?? `(${t('compose.groupNoAddress')})`}</span>
      </>
    );
  }
  const title = s.kind === 'person' ? s.title : '';
  return (
    <>
      <span>{s.name || s.email}</span>
      {title && <>{' '}<span className="muted small">— {title}</span></>}
      {s.name && <>{' '}<span className="muted small">{s.email}</span></>}
    </>
  );
}
