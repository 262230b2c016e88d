/** Unit tests: MX selection, implicit MX, null MX (RFC 7505), DNS failures. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookupMx, type MxResolver } from './mx-resolve.ts';

function err(code: string): Error {
  return Object.assign(new Error(code), { code });
}

function resolver(table: { mx?: Record<string, { exchange: string; priority: number }[] | string>; a?: Record<string, string[]>; aaaa?: Record<string, string[]> }): MxResolver {
  return {
    async resolveMx(n) {
      const v = table.mx?.[n];
      if (typeof v === 'string') throw err(v);
      if (!v) throw err('ENOTFOUND');
      return v;
    },
    async resolve4(n) {
      const v = table.a?.[n];
      if (!v) throw err(table.mx?.[n] === 'ENODATA' ? 'ENODATA' : 'ENOTFOUND');
      return v;
    },
    async resolve6(n) {
      const v = table.aaaa?.[n];
      if (!v) throw err('ENODATA');
      return v;
    },
  };
}

test('MX hosts by preference, with their A and AAAA addresses', async () => {
  const r = await lookupMx(resolver({ mx: { 'ex.fr': [{ exchange: 'b.ex.fr', priority: 20 }, { exchange: 'a.ex.fr.', priority: 10 }] }, a: { 'a.ex.fr': ['192.0.2.1'], 'b.ex.fr': ['192.0.2.2'] }, aaaa: { 'a.ex.fr': ['2001:db8::1'] } }), 'ex.fr');
  assert.deepEqual(r, { ok: true, hosts: [{ host: 'a.ex.fr', addresses: ['192.0.2.1', '2001:db8::1'] }, { host: 'b.ex.fr', addresses: ['192.0.2.2'] }] });
});

test('no MX record: the domain itself (A/AAAA), RFC 5321 §5.1', async () => {
  const r = await lookupMx(resolver({ mx: { 'ex.fr': 'ENODATA' }, a: { 'ex.fr': ['192.0.2.9'] } }), 'ex.fr');
  assert.deepEqual(r, { ok: true, hosts: [{ host: 'ex.fr', addresses: ['192.0.2.9'] }] });
});

test('null MX: permanent 556 5.1.10', async () => {
  const r = await lookupMx(resolver({ mx: { 'ex.fr': [{ exchange: '', priority: 0 }] } }), 'ex.fr');
  assert.equal(r.ok, false);
  if (!r.ok) assert.deepEqual([r.permanent, r.code, r.status], [true, 556, '5.1.10']);
});

test('NXDOMAIN is permanent, SERVFAIL and timeouts are temporary', async () => {
  const nx = await lookupMx(resolver({}), 'nope.fr');
  assert.ok(!nx.ok && nx.permanent && nx.status === '5.1.2');
  const sf = await lookupMx(resolver({ mx: { 'ex.fr': 'ESERVFAIL' } }), 'ex.fr');
  assert.ok(!sf.ok && !sf.permanent);
  const noAddr = await lookupMx(resolver({ mx: { 'ex.fr': [{ exchange: 'mx.ex.fr', priority: 1 }] } }), 'ex.fr');
  assert.ok(!noAddr.ok && !noAddr.permanent);
});
