/** Optional hooks against fakes: DNSBL resolver, an rspamd HTTP server and a clamd INSTREAM server on loopback. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttp } from 'node:http';
import { createServer as createNet, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { resolvePolicy, type SecurityPolicyInput } from './policy.ts';
import { clamavScan, dnsblLookup, dnsblName, rspamdCheck } from './hooks.ts';
import { fakeResolver } from './test-support.ts';

const pol = (p: SecurityPolicyInput) => resolvePolicy({ domain: 'ac-paris.fr', orgName: 'A' }, p);

test('hooks are off by default', async () => {
  const p = pol({});
  assert.deepEqual(await dnsblLookup('192.0.2.1', p), { tags: [] });
  assert.deepEqual(await rspamdCheck({ raw: Buffer.from('x'), ip: '1.2.3.4', helo: 'h', mailFrom: '', rcptTo: [], hostname: 'mx' }, p), { tags: [] });
  assert.deepEqual(await clamavScan(Buffer.from('x'), p), { tags: [] });
});

test('DNSBL: reversed names, listed and unlisted, timeouts do not throw', async () => {
  assert.equal(dnsblName('192.0.2.99', 'bl.example'), '99.2.0.192.bl.example');
  assert.equal(dnsblName('2001:db8::1', 'bl.example'), '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.example');
  const resolver = fakeResolver({ '99.2.0.192.bl.example': { A: ['127.0.0.2'] } });
  const p = pol({ dnsbl: { zones: ['bl.example'], timeoutMs: 200 } });
  const listed = await dnsblLookup('192.0.2.99', p, resolver);
  assert.deepEqual(listed.tags.map((t) => t.name), ['DNSBL_LISTED']);
  assert.deepEqual(await dnsblLookup('192.0.2.1', p, resolver), { tags: [] });
  const hang = () => new Promise<never>(() => {});
  const slow = await dnsblLookup('192.0.2.99', pol({ dnsbl: { zones: ['bl.example'], timeoutMs: 20 } }), hang);
  assert.deepEqual(slow.tags, []);
  assert.match(slow.error ?? '', /timed out/);
});

test('rspamd /checkv2: score becomes a tag; errors lose nothing', async () => {
  let seen: { url?: string; ip?: string; body?: string } = {};
  const srv = createHttp((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen = { url: req.url, ip: String(req.headers.ip), body };
      if (body.includes('boom')) {
        res.statusCode = 500;
        res.end();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ score: 7.5, required_score: 15, action: 'add header' }));
    });
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  try {
    const p = pol({ rspamd: { url, timeoutMs: 2000, password: '' } });
    const input = { raw: Buffer.from('Subject: hi\r\n\r\nbody'), ip: '192.0.2.7', helo: 'h.example', mailFrom: 'a@b.example', rcptTo: ['c@ac-paris.fr'], hostname: 'mx' };
    const r = await rspamdCheck(input, p);
    assert.equal(seen.url, '/checkv2');
    assert.equal(seen.ip, '192.0.2.7');
    assert.equal(seen.body, 'Subject: hi\r\n\r\nbody');
    assert.deepEqual(r.tags.map((t) => [t.name, t.score]), [['RSPAMD', 7.5]]);
    const bad = await rspamdCheck({ ...input, raw: Buffer.from('boom') }, p);
    assert.deepEqual(bad.tags, []);
    assert.match(bad.error ?? '', /500/);
  } finally {
    srv.close();
  }
  const down = await rspamdCheck({ raw: Buffer.from('x'), ip: '1.2.3.4', helo: 'h', mailFrom: '', rcptTo: [], hostname: 'mx' }, pol({ rspamd: { url, timeoutMs: 500, password: '' } }));
  assert.deepEqual(down.tags, []);
  assert.ok(down.error);
});

test('clamd INSTREAM: chunks framed, virus found, clean, and a dead server', async () => {
  const received: Buffer[] = [];
  const srv = createNet((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!buf.subarray(0, 10).equals(Buffer.from('zINSTREAM\0'))) return;
      // Parse <len><data> frames until the zero length.
      let o = 10;
      const parts: Buffer[] = [];
      while (o + 4 <= buf.length) {
        const n = buf.readUInt32BE(o);
        if (n === 0) {
          const all = Buffer.concat(parts);
          received.push(all);
          sock.end(all.includes('EICAR') ? 'stream: Eicar-Test-Signature FOUND\0' : 'stream: OK\0');
          return;
        }
        if (o + 4 + n > buf.length) return;
        parts.push(buf.subarray(o + 4, o + 4 + n));
        o += 4 + n;
      }
    });
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as AddressInfo).port;
  try {
    const p = pol({ clamav: { host: '127.0.0.1', port, timeoutMs: 2000 } });
    const big = Buffer.concat([Buffer.alloc(150 * 1024, 0x41), Buffer.from('EICAR')]);
    const v = await clamavScan(big, p);
    assert.deepEqual(v.tags.map((t) => [t.name, t.arg]), [['VIRUS_FOUND', 'Eicar-Test-Signature']]);
    assert.ok(received[0].equals(big));
    assert.deepEqual(await clamavScan(Buffer.from('clean'), p), { tags: [] });
  } finally {
    srv.close();
  }
  await once(srv, 'close');
  const dead = await clamavScan(Buffer.from('x'), pol({ clamav: { host: '127.0.0.1', port, timeoutMs: 500 } }));
  assert.deepEqual(dead.tags, []);
  assert.match(dead.error ?? '', /clamd/);
});
