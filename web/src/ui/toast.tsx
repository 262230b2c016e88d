/** Toasts: short status messages (role=status) with an optional action such as "Annuler". */
import { useSyncExternalStore } from 'react';
import { t } from '../i18n/index.ts';

export interface Toast { id: number; text: string; action?: { label: string; run: () => void }; error?: boolean }
let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export function toast(text: string, opts: { action?: Toast['action']; error?: boolean; ms?: number } = {}): number {
  const id = nextId++;
  toasts = [...toasts.slice(-3), { id, text, action: opts.action, error: opts.error }];
  emit();
  setTimeout(() => dismiss(id), opts.ms ?? (opts.action ? 10_000 : 5_000));
  return id;
}

export function dismiss(id: number): void {
  toasts = toasts.filter((x) => x.id !== id);
  emit();
}

export function Toasts() {
  const list = useSyncExternalStore((cb) => { listeners.add(cb); return () => listeners.delete(cb); }, () => toasts);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {list.map((x) => (
        <div key={x.id} className={`toast${x.error ? ' error' : ''}`}>
          <span>{x.text}</span>
          {x.action && <button type="button" className="btn small" onClick={() => { dismiss(x.id); x.action!.run(); }}>{x.action.label}</button>}
          <button type="button" className="btn icon small" onClick={() => dismiss(x.id)} aria-label={t('common.close')}>×</button>
        </div>
      ))}
    </div>
  );
}
