/** Search box with filters. RFC 8621 §4.4.1 FilterCondition (text, from, to, subject, before, after, hasAttachment). */
import { useEffect, useState, type FormEvent } from 'react';
import { t } from '../i18n/index.ts';
import { navigate, query, useLocation } from '../router.ts';
import { Icon } from '../ui/Icon.tsx';

const FIELDS = ['q', 'from', 'to', 'subject', 'after', 'before', 'att'] as const;

/** Build the JMAP filter from the URL's search parameters. */
export function searchFilter(p: URLSearchParams): Record<string, unknown> {
  const f: Record<string, unknown> = {};
  if (p.get('q')) f.text = p.get('q');
  if (p.get('from')) f.from = p.get('from');
  if (p.get('to')) f.to = p.get('to');
  if (p.get('subject')) f.subject = p.get('subject');
  if (p.get('after')) f.after = new Date(`${p.get('after')}T00:00:00`).toISOString();
  if (p.get('before')) f.before = new Date(new Date(`${p.get('before')}T00:00:00`).getTime() + 86_400_000).toISOString();
  if (p.get('att') === '1') f.hasAttachment = true;
  return f;
}

export function SearchBar() {
  const path = useLocation();
  const [values, setValues] = useState<Record<string, string>>({});
  const [advanced, setAdvanced] = useState(false);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!path.startsWith('/recherche')) return;
    const p = query(path);
    setValues(Object.fromEntries(FIELDS.map((k) => [k, p.get(k) ?? ''])));
  }, [path]);
  const set = (k: string, v: string) => setValues((o) => ({ ...o, [k]: v }));
  function submit(e: FormEvent) {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const k of FIELDS) if (values[k]) p.set(k, values[k]);
    if (![...p.keys()].length) return;
    // Dates as typed (yyyy-mm-dd sort as strings): an empty range would only show "no result".
    if (values.after && values.before && values.after > values.before) return setError(t('search.badRange'));
    setError('');
    setAdvanced(false);
    navigate(`/recherche?${p}`);
  }
  return (
    <form role="search" className="search" onSubmit={submit} aria-label={t('search.label')}>
      <label htmlFor="search-q" className="sr-only">{t('search.label')}</label>
      <input id="search-q" type="search" placeholder={t('search.placeholder')} value={values.q ?? ''} onChange={(e) => set('q', e.target.value)} aria-keyshortcuts="/" />
      <button type="button" className="btn icon" aria-expanded={advanced} aria-controls="search-advanced" onClick={() => setAdvanced(!advanced)} title={t('search.filters')}>
        <Icon name="search" /><span className="sr-only">{t('search.filters')}</span>
      </button>
      <button type="submit" className="btn primary search-go">{t('search.go')}</button>
      {advanced && (
        <fieldset id="search-advanced" className="search-advanced">
          <legend>{t('search.filters')}</legend>
          <label>{t('search.from')}<input value={values.from ?? ''} onChange={(e) => set('from', e.target.value)} /></label>
          <label>{t('search.to')}<input value={values.to ?? ''} onChange={(e) => set('to', e.target.value)} /></label>
          <label>{t('search.subject')}<input value={values.subject ?? ''} onChange={(e) => set('subject', e.target.value)} /></label>
          <label>{t('search.after')}<input type="date" value={values.after ?? ''} onChange={(e) => set('after', e.target.value)} /></label>
          <label>{t('search.before')}<input type="date" value={values.before ?? ''} onChange={(e) => set('before', e.target.value)} aria-invalid={!!error || undefined} aria-describedby={error ? 'search-error' : undefined} /></label>
          <label className="check"><input type="checkbox" checked={values.att === '1'} onChange={(e) => set('att', e.target.checked ? '1' : '')} />{t('search.hasAttachment')}</label>
          {error && <p id="search-error" className="form-error small" role="alert">{error}</p>}
          <button type="submit" className="btn primary">{t('search.go')}</button>
        </fieldset>
      )}
    </form>
  );
}
