/** Unit tests: display-HTML sanitising (hostile inputs) and result-reference pointers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { safeHtml } from './safe-html.ts';
import { evaluatePointer, resolveReferences } from './references.ts';
import { MethodError } from './errors.ts';

const clean = (h: string) => safeHtml(h, { cidUrl: (cid) => (cid === 'logo@x' ? '/jmap/download/a1/abc-2/inline' : null) });

test('hostile HTML loses scripts, handlers, javascript: URLs, forms, SVG, iframes, CSS expressions', () => {
  const cases: [string, RegExp][] = [
    ['<script>alert(1)</script><p>ok</p>', /script|alert/i],
    ['<img src=x onerror=alert(1)>', /onerror/i],
    ['<a href="javascript:alert(1)">x</a>', /javascript/i],
    ['<a href="JaVaScRiPt&colon;alert(1)">x</a>', /javascript/i],
    ['<form action="https://evil.example"><input name=p></form>', /form|input/i],
    ['<svg><script>alert(1)</script><a xlink:href="javascript:alert(1)"/></svg>', /svg|script|javascript/i],
    ['<iframe src="https://evil.example"></iframe>', /iframe/i],
    ['<p style="width: expression(alert(1))">x</p>', /expression/i],
    ['<p style="background-image: url(https://tracker.example/p.gif)">x</p>', /url\(|tracker/i],
    ['<div style="behavior: url(x.htc)">x</div>', /behavior/i],
    ['<object data="x.swf"></object><embed src="x.swf">', /object|embed/i],
    ['<meta http-equiv="refresh" content="0;url=https://evil.example">', /meta|refresh/i],
    ['<base href="https://evil.example/">', /base/i],
    ['<link rel=stylesheet href="https://evil.example/x.css">', /link|evil/i],
  ];
  for (const [input, bad] of cases) assert.doesNotMatch(clean(input).html, bad, input);
});

test('remote images become placeholders, cid: images point to the download endpoint, links open safely', () => {
  const r = clean('<p>Bonjour <img src="https://tracker.example/p.gif" alt="t"><img src="cid:logo@x"><img src="cid:unknown"><a href="https://ac-test.fr">site</a></p>');
  assert.match(r.html, /<img alt="t" data-preau-src="https:\/\/tracker.example\/p.gif" \/>|<img alt="t" data-preau-src="https:\/\/tracker.example\/p.gif">/);
  assert.equal(r.blockedImages, 1);
  assert.match(r.html, /src="\/jmap\/download\/a1\/abc-2\/inline"/);
  assert.match(r.html, /target="_blank"/);
  assert.match(r.html, /rel="noopener noreferrer nofollow"/);
  assert.match(safeHtml('<img src="https://x.example/a.png">', { cidUrl: () => null, allowRemoteImages: true }).html, /src="https:\/\/x.example\/a.png"/);
});

test('property: sanitised output never contains a script tag, an on* handler or a javascript: URL', () => {
  const pieces = fc.constantFrom('<script>', '</script>', '<img src=x onerror=alert(1)>', '<a href="javascript:x">', '<svg onload=x>', '<p>', 'texte', '"', "'", '<', '>', '&', ' onclick="y" ', '<style>', 'javascript:', '<iframe>', '<!--', '-->');
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 30 }), (parts) => {
      const out = clean(parts.join('')).html;
      assert.doesNotMatch(out, /<script|<iframe|<svg|<style/i);
      assert.doesNotMatch(out, /<[^>]+\son\w+\s*=/i);
      assert.doesNotMatch(out, /(href|src)\s*=\s*"?\s*javascript:/i);
    }),
    { numRuns: 300 },
  );
});

test('result references: JSON pointer with * over arrays, errors', () => {
  const v = { list: [{ id: 'a', x: [1, 2] }, { id: 'b', x: [3] }], 'a/b': 1 };
  assert.deepEqual(evaluatePointer(v, '/list/*/id'), ['a', 'b']);
  assert.deepEqual(evaluatePointer(v, '/list/*/x'), [1, 2, 3]);
  assert.equal(evaluatePointer(v, '/a~1b'), 1);
  assert.throws(() => evaluatePointer(v, '/list/5'), MethodError);
  assert.throws(() => evaluatePointer(v, 'list'), MethodError);
  const r = resolveReferences({ '#ids': { resultOf: 'c1', name: 'Email/query', path: '/ids' }, accountId: 'a1' }, [['Email/query', { ids: ['e1'] }, 'c1']]);
  assert.deepEqual(r, { ids: ['e1'], accountId: 'a1' });
  assert.throws(() => resolveReferences({ '#ids': { resultOf: 'c1', name: 'Email/get', path: '/ids' } }, [['Email/query', { ids: [] }, 'c1']]), (e: MethodError) => e.type === 'invalidResultReference');
  assert.throws(() => resolveReferences({ ids: [], '#ids': { resultOf: 'c1', name: 'Email/query', path: '/ids' } }, [['Email/query', { ids: [] }, 'c1']]), (e: MethodError) => e.type === 'invalidArguments');
});
