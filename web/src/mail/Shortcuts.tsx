/** Keyboard shortcuts (Gmail-like) and the "?" help dialog. */
import { useEffect, useRef } from 'react';
import { t, type Key } from '../i18n/index.ts';
import { Dialog } from '../ui/Dialog.tsx';

const LIST: [string, Key][] = [
  ['c', 'keys.compose'], ['r', 'keys.reply'], ['a', 'keys.replyAll'], ['f', 'keys.forward'],
  ['e', 'keys.archive'], ['#', 'keys.delete'], ['!', 'keys.spam'], ['s', 'keys.flag'],
  ['⇧I', 'keys.read'], ['⇧U', 'keys.unread'], ['j', 'keys.next'], ['k', 'keys.prev'],
  ['u', 'keys.back'], ['/', 'keys.search'], ['?', 'keys.help'],
];

export function useShortcuts(enabled: boolean, map: Record<string, () => unknown>): void {
  const ref = useRef(map);
  ref.current = map;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      const el = e.target as HTMLElement;
      // Typing targets keep their keys; a row's checkbox does not type: after checking rows, "e",
      // "s", "#"… act on them.
      if (el.closest('textarea, select, [contenteditable="true"], dialog')) return;
      if (el instanceof HTMLInputElement && el.type !== 'checkbox' && el.type !== 'radio') return;
      const fn = ref.current[e.key];
      if (fn) {
        e.preventDefault();
        fn();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}

export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title={t('keys.title')} onClose={onClose}>
      <table className="shortcuts">
        <thead><tr><th scope="col">{t('keys.key')}</th><th scope="col">{t('keys.action')}</th></tr></thead>
        <tbody>
          {LIST.map(([k, label]) => (
            <tr key={k}><td><kbd>{k.replace('⇧', `${t('keys.shift')}+`)}</kbd></td><td>{t(label)}</td></tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
