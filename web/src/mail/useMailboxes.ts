/**
 * The account's mailboxes and quota, kept current: loaded at start, asked again after a change
 * made here (`refresh`) and at each JMAP push (RFC 8620 §7.3, then `onPush` so lists reload), with a
 * desktop notification when new mail raises the inbox's unread count.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Jmap } from '../api/jmap.ts';
import { t, tn } from '../i18n/index.ts';
import { getPrefs, isWorkingTime } from '../prefs.ts';
import { toast } from '../ui/toast.tsx';
import { byRole, getMailboxes, getQuota, type Mailbox, type Quota } from './data.ts';

export function useMailboxes(jmap: Jmap, onPush: () => void): { boxes: Mailbox[]; quota: Quota | null; refresh: () => Promise<void> } {
  const [boxes, setBoxes] = useState<Mailbox[]>([]);
  const [quota, setQuota] = useState<Quota | null>(null);
  // The inbox's unread count last seen (the first Mailbox/get, then each refresh and push): a push
  // that raises it means new mail. (The server sends no event at connection, so counting from the
  // first push would miss the first new message.)
  const seenUnread = useRef(-1);
  const pushed = useRef(onPush);
  pushed.current = onPush;

  const refresh = useCallback(async () => {
    const [b, q] = await Promise.all([getMailboxes(jmap), getQuota(jmap)]);
    setBoxes(b);
    const ib = byRole(b, 'inbox');
    if (ib) seenUnread.current = ib.unreadEmails;
    // The inbox id of this visit lets the next one list it before Mailbox/get answers.
    try { if (ib) localStorage.setItem(`preau.inbox.${jmap.accountId}`, ib.id); } catch { /* private mode */ }
    setQuota(q);
  }, [jmap]);

  useEffect(() => {
    void refresh().catch(() => toast(t('app.loadError'), { error: true }));
  }, [refresh]);

  useEffect(() => {
    return jmap.push(async (changed) => {
      if (!changed[jmap.accountId]) return;
      const b = await getMailboxes(jmap).catch(() => null);
      if (b) {
        const before = seenUnread.current;
        setBoxes(b);
        const ib = byRole(b, 'inbox');
        if (ib && before >= 0 && ib.unreadEmails > before) notifyNewMail(ib.unreadEmails - before);
        seenUnread.current = ib?.unreadEmails ?? before;
      }
      pushed.current();
      void getQuota(jmap).then(setQuota);
    });
  }, [jmap]);

  return { boxes, quota, refresh };
}

function notifyNewMail(n: number): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const p = getPrefs();
  if (!p.notifications) return;
  // Droit à la déconnexion: quiet outside working time unless the user turned quiet hours off.
  if (p.quietHours && !isWorkingTime(new Date())) return;
  new Notification(t('app.name'), { body: tn('notify.newMail', n), tag: 'preau-new-mail' });
}
