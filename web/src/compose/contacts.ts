/** Addresses already used (sent mail and recent senders) for recipient autocompletion. */
import type { Jmap } from '../api/jmap.ts';
import type { Address } from '../mail/data.ts';

let cache: Promise<Address[]> | null = null;

export function recentAddresses(jmap: Jmap): Promise<Address[]> {
  cache ??= (async () => {
    const r = await jmap.call([
      ['Email/query', { accountId: jmap.accountId, sort: [{ property: 'receivedAt', isAscending: false }], limit: 300 }, 'q'],
      ['Email/get', { accountId: jmap.accountId, '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: ['from', 'to', 'cc'] }, 'g'],
    ]);
    const g = r.get('g');
    const seen = new Map<string, Address>();
    for (const e of (g?.list ?? []) as { from: Address[] | null; to: Address[] | null; cc: Address[] | null }[]) {
      for (const a of [...(e.from ?? []), ...(e.to ?? []), ...(e.cc ?? [])]) {
        const k = a.email.toLowerCase();
        if (!seen.has(k) || (!seen.get(k)!.name && a.name)) seen.set(k, a);
      }
    }
    return [...seen.values()];
  })().catch(() => []);
  return cache;
}
