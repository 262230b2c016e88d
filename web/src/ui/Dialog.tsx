/** Accessible modal dialog on the native <dialog> element (focus trap and Escape for free). */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { t } from '../i18n/index.ts';

export function Dialog(props: { title: string; onClose: () => void; children: ReactNode; wide?: boolean; footer?: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  // Unique: a confirmation can open over another dialog.
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const opener = document.activeElement as HTMLElement | null;
    if (!d.open) d.showModal();
    return () => opener?.focus?.();
  }, []);
  return (
    <dialog ref={ref} className={`dialog${props.wide ? ' wide' : ''}`} aria-labelledby={titleId}
      // React passes a nested dialog's close and cancel up through its tree: answer only our own.
      onClose={(e) => { if (e.target === e.currentTarget) props.onClose(); }}
      onCancel={(e) => { if (e.target !== e.currentTarget) return; e.preventDefault(); props.onClose(); }}>
      <div className="dialog-head">
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" className="btn icon" onClick={props.onClose}>
          <span aria-hidden="true">×</span><span className="sr-only">{t('common.close')}</span>
        </button>
      </div>
      <div className="dialog-body">{props.children}</div>
      {props.footer && <div className="dialog-foot">{props.footer}</div>}
    </dialog>
  );
}

/** Promise-based confirm built on Dialog is overkill for a few places: use window.confirm-like state. */
export function Confirm(props: { title: string; text: string; confirmLabel: string; danger?: boolean; onConfirm: () => void; onCancel: () => void }) {
  return (
    <Dialog
      title={props.title}
      onClose={props.onCancel}
      footer={
        <>
          <button type="button" className="btn" onClick={props.onCancel}>{t('common.cancel')}</button>
          <button type="button" className={`btn ${props.danger ? 'danger' : 'primary'}`} onClick={props.onConfirm}>{props.confirmLabel}</button>
        </>
      }
    >
      <p>{props.text}</p>
    </Dialog>
  );
}
