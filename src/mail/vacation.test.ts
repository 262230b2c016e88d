/** Vacation replies: the skip rules (table-driven), the once-per-7-days claim under concurrency, activeVacation dates. RFC 3834 §2, RFC 5230 §4.2, §4.5, §4.6. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage } from '../mime/index.ts';
import { BACKENDS, openKit, type Kit } from './testkit.ts';
import { skipReason } from './vacation-reply.ts';
import { activeVacation, claimReply, REPLY_PERIOD_MS, responseHash, setVacation } from './vacation.ts';

const ME = 'elodie.lefevre@ac-test.fr';

async function msg(headers: string, to = ME): Promise<Awaited<ReturnType<typeof parseMessage>>> {
  return parseMessage(Buffer.from(`From: Parent <parent@example.org>\r\nTo: ${to}\r\nSubject: Question\r\nMessage-ID: <q1@example.org>\r\n${headers}\r\nbody\r\n`));
}

const CASES: { name: string; headers?: string; to?: string; mailFrom?: string; role?: string; want: string | null }[] = [
  { name: 'a personal message', want: null },
  { name: 'Auto-Submitted: no', headers: 'Auto-Submitted: no\r\n', want: null },
  { name: 'Auto-Submitted: no with a comment', headers: 'Auto-Submitted: no (humain)\r\n', want: null },
  { name: 'Auto-Submitted: auto-replied', headers: 'Auto-Submitted: auto-replied\r\n', want: 'auto-submitted' },
  { name: 'Auto-Submitted: auto-generated; owner-email=x', headers: 'Auto-Submitted: Auto-Generated; owner-email="a@b"\r\n', want: 'auto-submitted' },
  { name: 'Precedence: bulk', headers: 'Precedence: bulk\r\n', want: 'precedence' },
  { name: 'Precedence: list', headers: 'Precedence: LIST\r\n', want: 'precedence' },
  { name: 'Precedence: junk', headers: 'Precedence: junk\r\n', want: 'precedence' },
  { name: 'Precedence: first-class', headers: 'Precedence: first-class\r\n', want: null },
  { name: 'List-Id', headers: 'List-Id: <profs.example.org>\r\n', want: 'list' },
  { name: 'List-Unsubscribe', headers: 'List-Unsubscribe: <mailto:u@example.org>\r\n', want: 'list' },
  { name: 'a bounce (MAIL FROM:<>)', mailFrom: '', want: 'null-sender' },
  { name: 'MAILER-DAEMON', mailFrom: 'MAILER-DAEMON@example.org', want: 'system-sender' },
  { name: 'no-reply', mailFrom: 'no-reply@example.org', want: 'system-sender' },
  { name: 'noreply', mailFrom: 'noreply@example.org', want: 'system-sender' },
  { name: 'owner-list', mailFrom: 'owner-profs@example.org', want: 'system-sender' },
  { name: 'list-request', mailFrom: 'profs-request@example.org', want: 'system-sender' },
  { name: 'delivered to Junk', role: 'junk', want: 'junk' },
  { name: 'not in To/Cc (Bcc copy)', to: 'autre@example.org', want: 'not-addressed' },
  { name: 'in Cc', to: 'autre@example.org', headers: `Cc: ${ME.toUpperCase()}\r\n`, want: null },
  { name: 'in Resent-To', to: 'autre@example.org', headers: `Resent-To: Élodie <${ME}>\r\n`, want: null },
  { name: 'a longer address containing ours is not ours', to: `x${ME}`, want: 'not-addressed' },
  { name: 'from one of our own addresses', mailFrom: ME, want: 'own-address' },
];

for (const c of CASES) {
  test(`skipReason: ${c.name} → ${c.want ?? 'reply'}`, async () => {
    const p = await msg(c.headers ?? '', c.to);
    assert.equal(skipReason(p, c.mailFrom ?? 'parent@example.org', c.role ?? 'inbox', [ME]), c.want);
  });
}

test('responseHash tells the fields apart', () => {
  assert.notEqual(responseHash({ subject: 'a', textBody: null, htmlBody: null }), responseHash({ subject: null, textBody: 'a', htmlBody: null }));
  assert.equal(responseHash({ subject: 'a', textBody: 'b', htmlBody: null }), responseHash({ subject: 'a', textBody: 'b', htmlBody: null }));
});

for (const backend of BACKENDS) {
  describe(`vacation store (${backend.name})`, { skip: backend.skip }, () => {
    let k: Kit;
    before(async () => {
      k = await openKit(backend);
    });
    after(async () => k?.close());

    test('claimReply: one winner among concurrent claims, again after 7 days or for another response', async () => {
      const now = 1_800_000_000_000;
      const h = responseHash({ subject: null, textBody: 'absent', htmlBody: null });
      const wins = await Promise.all(Array.from({ length: 5 }, () => claimReply(k.store, k.a, 'Parent@Example.org', h, now)));
      assert.equal(wins.filter(Boolean).length, 1);
      assert.equal(await claimReply(k.store, k.a, 'parent@example.org', h, now + REPLY_PERIOD_MS - 1), false, 'within 7 days');
      assert.equal(await claimReply(k.store, k.b, 'parent@example.org', h, now), true, 'per account');
      assert.equal(await claimReply(k.store, k.a, 'parent@example.org', responseHash({ subject: null, textBody: 'autre', htmlBody: null }), now + 1), true, 'a changed response');
      assert.equal(await claimReply(k.store, k.a, 'parent@example.org', h, now + 2 + REPLY_PERIOD_MS), true, 'after 7 days');
    });

    test('activeVacation: enabled and within [fromDate, toDate)', async () => {
      const t = 1_800_000_000_000;
      assert.equal(await activeVacation(k.store, k.a, t), null, 'never set');
      await setVacation(k.store, k.a, { isEnabled: true, fromDate: t, toDate: t + 1000, textBody: 'absent' });
      assert.equal(await activeVacation(k.store, k.a, t - 1), null);
      assert.equal((await activeVacation(k.store, k.a, t))?.textBody, 'absent');
      assert.equal(await activeVacation(k.store, k.a, t + 1000), null);
      await setVacation(k.store, k.a, { isEnabled: false });
      assert.equal(await activeVacation(k.store, k.a, t), null);
    });
  });
}
