/** "Report phishing" on a stored email: training, forward as message/rfc822, account isolation. */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, openKit, type Kit } from '../mail/testkit.ts';
import type { EmailId } from '../store/ids.ts';
import { parseMessage } from '../mime/index.ts';
import { resolvePolicy } from './policy.ts';
import { reportPhishingFor } from './report-phishing.ts';

const withAddress = resolvePolicy({ domain: 'ac-test.fr', orgName: 'Académie de Test' }, { reportAddress: 'securite@ac-test.fr' });
const without = resolvePolicy({ domain: 'ac-test.fr', orgName: 'Académie de Test' }, {});

for (const backend of BACKENDS) {
  describe(`reportPhishingFor (${backend.name})`, { skip: backend.skip }, () => {
    let k: Kit;
    before(async () => {
      k = await openKit(backend);
    });
    after(() => k?.close());

    test('trains as spam and returns a forward from the user to the security address with the original attached intact', async () => {
      const spec = { from: '"Rectorat" <support@acad-securite.example>', subject: 'Confirmez vos identifiants', body: 'Cliquez ici pour confirmer votre mot de passe.', messageId: 'lure1@acad-securite.example' };
      const d = await k.deliver(k.a, spec);
      const stored = await k.store.db.selectFrom('messages').select('blob_id').where('id', '=', d.emailId).executeTakeFirstOrThrow();
      const original = await k.blobs.get(stored.blob_id as never);
      const r = await reportPhishingFor({ store: k.store, blobs: k.blobs, securityPolicy: withAddress }, k.a, d.emailId, { comment: 'Reçu ce matin' });
      assert.equal(r.emailId, d.emailId);
      assert.ok(r.forward);
      assert.equal(r.forward.to, 'securite@ac-test.fr');
      assert.equal(r.forward.from, 'elodie.lefevre@ac-test.fr');
      const fwd = await parseMessage(r.forward.raw);
      assert.match(fwd.subject, /^\[Signalement hameçonnage\] Confirmez vos identifiants/);
      assert.match(fwd.text ?? '', /Reçu ce matin/);
      const att = fwd.attachments.find((a) => a.type === 'message/rfc822');
      assert.ok(att, JSON.stringify(fwd.attachments));
      // RFC 2046 §5.2.1: the attached part carries the stored bytes unencoded (8bit), byte for byte.
      assert.ok(r.forward.raw.includes(original), 'original attached intact');
      const t = await k.store.db.selectFrom('bayes_trained').select('class').where('account_id', '=', k.a).where('msg_key', '=', 'm:lure1@acad-securite.example').executeTakeFirst();
      assert.equal(t?.class, 'spam');
    });

    test('without a report address: trained, no forward', async () => {
      const d = await k.deliver(k.a, { subject: 'Votre colis', messageId: 'lure2@x.example' });
      const r = await reportPhishingFor({ store: k.store, blobs: k.blobs, securityPolicy: without }, k.a, d.emailId);
      assert.equal(r.forward, null);
      const t = await k.store.db.selectFrom('bayes_trained').select('class').where('account_id', '=', k.a).where('msg_key', '=', 'm:lure2@x.example').executeTakeFirst();
      assert.equal(t?.class, 'spam');
    });

    test("another account's email or an unknown id: EMAIL_NOT_FOUND, nothing trained or forwarded", async () => {
      const d = await k.deliver(k.b, { subject: 'Privé', messageId: 'private2@x.example' });
      for (const id of [d.emailId, 987_654 as EmailId]) {
        await assert.rejects(reportPhishingFor({ store: k.store, blobs: k.blobs, securityPolicy: withAddress }, k.a, id), (e: any) => e.code === 'EMAIL_NOT_FOUND');
      }
      const t = await k.store.db.selectFrom('bayes_trained').select('class').where('msg_key', '=', 'm:private2@x.example').execute();
      assert.deepEqual(t, []);
    });

    test('a context without a policy is a programming error, reported as such', async () => {
      const d = await k.deliver(k.a, { subject: 'x', messageId: 'nopolicy@x.example' });
      await assert.rejects(reportPhishingFor({ store: k.store, blobs: k.blobs }, k.a, d.emailId), /security policy missing/);
    });
  });
}
