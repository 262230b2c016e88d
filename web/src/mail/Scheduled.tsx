/** Messages waiting to leave (scheduled send, RFC 8621 §7 undoStatus "pending", RFC 4865): which ones, and the reader's banner to call one back. */
import { useEffect, useState } from 'react';
import type { Jmap } from '../api/jmap.ts';
import { pendingSends, type PendingSend } from '../compose/send.ts';
import { formatFullDate, t } from '../i18n/index.ts';

/** Longest wait before looking again (setTimeout takes at most 2^31 - 1 ms). */
const MAX_WAIT_MS = 6 * 3600_000;

/**
 * The account's submissions still waiting to leave, by Email id. Read again whenever `version`
 * changes (a send, a cancel, a push) and just after the earliest one is due: the server sends no
 * change when a held message leaves (its undoStatus becomes "final" by the clock).
 */
export function usePendingSends(jmap: Jmap, version: number): Map<string, PendingSend> {
  const [pending, setPending] = useState<Map<string, PendingSend>>(() => new Map());
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    void pendingSends(jmap).then((p) => {
      if (cancelled) return;
      setPending((old) => (same(old, p) ? old : p));
      const next = Math.min(...[...p.values()].map((s) => Date.parse(s.sendAt)));
      if (Number.isFinite(next)) timer = setTimeout(() => setTick((n) => n + 1), Math.min(MAX_WAIT_MS, Math.max(1000, next - Date.now() + 1500)));
    }, () => { /* keep what is shown; the next change reads again */ });
    return () => { cancelled = true; clearTimeout(timer); };
  }, [jmap, version, tick]);
  return pending;
}

function same(a: Map<string, PendingSend>, b: Map<string, PendingSend>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k)?.submissionId !== v.submissionId || b.get(k)?.sendAt !== v.sendAt) return false;
  return true;
}

/** "This message has not left yet" with the button that calls it back to Drafts. */
export function ScheduledBanner({ pending, onCancel }: { pending: PendingSend; onCancel: (p: PendingSend) => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  return (
    <div className="banner info scheduled-banner" role="note">
      <span>{t('reader.scheduled', { date: formatFullDate(pending.sendAt) })}</span>
      <button type="button" className="btn small" aria-disabled={busy} onClick={() => {
        if (busy) return;
        setBusy(true);
        void onCancel(pending).finally(() => setBusy(false));
      }}>{t('compose.cancelScheduled')}</button>
    </div>
  );
}
