/** Recipient field: chips plus an ARIA combobox suggesting addresses already used. */
import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { t } from '../i18n/index.ts';
import type { Address } from '../mail/data.ts';

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
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const matches = useMemo(() => {
    const q = text.trim().toLowerCase();
    if (q.length < 1) return [];
    const taken = new Set(props.value.map((a) => a.email.toLowerCase()));
    return props.suggestions.filter((a) => !taken.has(a.email.toLowerCase()) && (a.email.toLowerCase().includes(q) || (a.name ?? '').toLowerCase().includes(q))).slice(0, 8);
  }, [text, props.suggestions, props.value]);
  const add = (list: Address[]) => {
    if (!list.length) return;
    props.onChange([...props.value, ...list.filter((a) => !props.value.some((v) => v.email.toLowerCase() === a.email.toLowerCase()))]);
    setText('');
    setActive(0);
  };
  const commit = () => {
    const parsed = parseAddresses(text);
    if (parsed.length) add(parsed);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' && matches.length) { e.preventDefault(); setActive((active + 1) % matches.length); }
    else if (e.key === 'ArrowUp' && matches.length) { e.preventDefault(); setActive((active - 1 + matches.length) % matches.length); }
    else if (e.key === 'Enter' || e.key === ',' || e.key === ';' || e.key === 'Tab') {
      if (matches.length && text.trim() && !EMAIL.test(text.trim())) { e.preventDefault(); add([matches[active]]); }
      else if (text.trim()) { if (e.key !== 'Tab') e.preventDefault(); commit(); }
    } else if (e.key === 'Backspace' && !text && props.value.length) props.onChange(props.value.slice(0, -1));
    else if (e.key === 'Escape') setText('');
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
          aria-expanded={matches.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={matches.length ? `${listId}-${active}` : undefined}
          autoComplete="off"
          autoFocus={props.autoFocus}
          value={text}
          onChange={(e) => { setText(e.target.value); setActive(0); }}
          onKeyDown={onKey}
          onBlur={commit}
          onPaste={(e) => { const p = parseAddresses(e.clipboardData.getData('text')); if (p.length > 1) { e.preventDefault(); add(p); } }}
        />
      </div>
      <ul id={listId} role="listbox" className={`suggestions${matches.length ? '' : ' hidden'}`} aria-label={t('compose.suggestions')}>
        {matches.map((a, i) => (
          <li key={a.email} id={`${listId}-${i}`} role="option" aria-selected={i === active} onMouseDown={(e) => { e.preventDefault(); add([a]); }}>
            <span>{a.name || a.email}</span> {a.name && <span className="muted small">{a.email}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}
