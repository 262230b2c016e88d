/** IMAP interop with command-line clients: curl (imap://), python3's imaplib and mbsync (Debian's
 *  isync) syncing a 1 000-message mailbox both ways. A missing tool skips its test with the reason
 *  (CI installs them: .ci/run). RFC 9051, RFC 5092 (IMAP URLs, curl). */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, startImapTestApp, type ImapTestApp } from './helpers/app.ts';
import { ingest } from '../src/mail/ingest.ts';
import { getMailboxByName } from '../src/mail/mailboxes.ts';
import { fetchPlacements, moveMessages, setFlags } from '../src/mail/messages.ts';
import type { AccountId, MailboxId } from '../src/store/ids.ts';
import { toRanges } from '../src/imap/selected.ts';

let h: ImapTestApp;

before(async () => {
  h = await startImapTestApp();
});
after(() => h.close());

/** The path of a command, or null. */
function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Runs a child process without blocking the event loop (the server answers it in this process). */
function run(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    p.stdin.end(opts.input ?? '');
  });
}

function raw(i: number, to: string): Buffer {
  return Buffer.from(
    `From: Parent ${i} <parent${i}@example.org>\r\nTo: ${to}\r\nSubject: =?utf-8?q?R=C3=A9union?= ${i}\r\nMessage-ID: <sync${i}@example.org>\r\n` +
      `Date: Tue, 03 Sep 2024 10:00:00 +0200\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMessage numéro ${i}.\r\n`,
  );
}

async function fill(account: AccountId, to: string, n: number): Promise<void> {
  const deps = { store: h.app.ctx.store, blobs: h.app.ctx.blobs };
  // A few in order (message i gets UID i + 1); many in parallel batches (UIDs in commit order).
  if (n <= 10) {
    for (let i = 0; i < n; i++) await ingest(deps, { raw: raw(i, to), targets: [{ account }] });
    return;
  }
  // Parallel batches: the store's group commit takes them a batch per fsync.
  for (let i = 0; i < n; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, j) => ingest(deps, { raw: raw(i + j, to), targets: [{ account }] })));
  }
}

test('curl: list mailboxes, fetch a message by UID, search', { timeout: 60_000 }, async (t) => {
  if (!which('curl')) return t.skip('curl is not installed');
  const u = await h.app.account('Camille', 'Curl');
  await fill(u.id as AccountId, u.address, 3);
  const base = `imap://127.0.0.1:${h.imap.port}`;
  const auth = ['--user', `${u.address}:${u.password}`, '--login-options', 'AUTH=PLAIN', '-sS'];
  const list = await run('curl', [...auth, `${base}/`]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /\* LIST \([^)]*\) "\/" "?INBOX"?/);
  assert.match(list.stdout, /\* LIST \([^)]*\\Junk[^)]*\) "\/" "?Junk"?/);
  const msg = await run('curl', [...auth, `${base}/INBOX;UID=2`]);
  assert.equal(msg.code, 0, msg.stderr);
  assert.match(msg.stdout, /Message-ID: <sync1@example\.org>/);
  assert.match(msg.stdout, /Message numéro 1\./);
  const search = await run('curl', [...auth, `${base}/INBOX?CHARSET%20UTF-8%20SUBJECT%20r%C3%A9union`]);
  assert.equal(search.code, 0, search.stderr);
  assert.match(search.stdout, /\* SEARCH 1 2 3/);
  // Wrong password: curl exits with a login error (67).
  const bad = await run('curl', ['--user', `${u.address}:nope`, '-sS', `${base}/`]);
  assert.equal(bad.code, 67, bad.stderr);
});

const PY = `
import imaplib, json, sys
port, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]
out = {}
m = imaplib.IMAP4('127.0.0.1', port)
out['caps'] = list(m.capabilities)
out['login'] = m.login(user, pw)[0]
typ, data = m.select('INBOX')
out['exists'] = int(data[0])
typ, data = m.search(None, 'FROM', 'parent2')
out['search'] = data[0].decode()
typ, data = m.uid('SEARCH', 'ALL')
out['uids'] = data[0].decode()
typ, data = m.fetch('1', '(UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])')
out['fetch_head'] = data[0][0].decode()
out['fetch_body'] = data[0][1].decode()
typ, data = m.store('1:2', '+FLAGS', '(\\\\Flagged $Important)')
out['store'] = [d.decode() for d in data]
typ, data = m.search(None, 'FLAGGED')
out['flagged'] = data[0].decode()
typ, data = m.fetch('3', '(RFC822)')
out['rfc822'] = data[0][1].decode()
typ, data = m.fetch('3', '(FLAGS)')
out['seen_after'] = data[0].decode()
m.close()
out['logout'] = m.logout()[0]
print(json.dumps(out))
`;

test("python3 imaplib: login, select, search, fetch, store, logout", { timeout: 60_000 }, async (t) => {
  const py = which('python3');
  if (!py) return t.skip('python3 is not installed');
  const u = await h.app.account('Paul', 'Python');
  await fill(u.id as AccountId, u.address, 3);
  const r = await run(py, ['-c', PY, String(h.imap.port), u.address, u.password]);
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.ok((o.caps as string[]).includes('IMAP4REV1'));
  assert.equal(o.login, 'OK');
  assert.equal(o.exists, 3);
  assert.equal(o.search, '3');
  assert.equal(o.uids, '1 2 3');
  assert.match(o.fetch_head as string, /^1 \(UID 1 FLAGS \(\) BODY\[HEADER\.FIELDS \(MESSAGE-ID\)\] \{\d+\}$/);
  assert.match(o.fetch_body as string, /Message-ID: <sync0@example\.org>/);
  assert.deepEqual(o.store, ['1 (FLAGS (\\Flagged $Important))', '2 (FLAGS (\\Flagged $Important))']);
  assert.equal(o.flagged, '1 2');
  assert.match(o.rfc822 as string, /Message numéro 2\./);
  assert.match(o.seen_after as string, /\\Seen/, 'RFC822 sets \\Seen');
  assert.equal(o.logout, 'BYE');
});

/** Maildir flag letters (Maildir spec "info" part) for IMAP system flags. */
const LETTER: Record<string, string> = { '\\Draft': 'D', '\\Flagged': 'F', '\\Answered': 'R', '\\Seen': 'S', '\\Deleted': 'T' };

/** Message-ID → maildir flag letters of every message in a Maildir folder. */
function localState(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const sub of ['cur', 'new']) {
    let names: string[] = [];
    try {
      names = readdirSync(join(dir, sub));
    } catch {
      continue;
    }
    for (const n of names) {
      const text = readFileSync(join(dir, sub, n), 'latin1');
      const id = /^Message-ID: <([^>]+)>/im.exec(text)?.[1];
      assert.ok(id, n);
      assert.ok(!out.has(id), `duplicate ${id} in ${dir}`);
      out.set(id, n.includes(':2,') ? n.slice(n.indexOf(':2,') + 3) : '');
    }
  }
  return out;
}

/** Message-ID → maildir flag letters on the server side. */
async function serverState(account: AccountId, mailbox: MailboxId): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const rows of fetchPlacements(h.app.ctx.store, account, mailbox, 'all', { body: true })) {
    for (const r of rows) {
      const id = r.body!.messageId!.replace(/^<|>$/g, '');
      out.set(id, r.flags.map((f) => LETTER[f] ?? '').sort().join(''));
    }
  }
  return out;
}

function assertSame(local: Map<string, string>, server: Map<string, string>, what: string): void {
  assert.equal(local.size, server.size, `${what}: ${local.size} local, ${server.size} on the server`);
  for (const [id, flags] of server) assert.equal(local.get(id), flags, `${what}: flags of ${id}`);
}

test('mbsync: a 1 000-message mailbox syncs to a Maildir; server-side flags and moves, and a local flag, sync back', { timeout: 240_000 }, async (t) => {
  const mbsync = which('mbsync');
  if (!mbsync) return t.skip('mbsync is not installed (apt-get install isync)');
  const u = await h.app.account('Sophie', 'Sync');
  const account = u.id as AccountId;
  await fill(account, u.address, 1000);
  const inbox = (await getMailboxByName(h.app.ctx.store, account, 'INBOX'))!;
  const archive = (await getMailboxByName(h.app.ctx.store, account, 'Archive'))!;
  const dir = tempDir('preau-mbsync-');
  const maildir = join(dir, 'mail');
  mkdirSync(maildir);
  const conf = join(dir, 'mbsyncrc');
  writeFileSync(
    conf,
    [
      'IMAPAccount preau',
      'Host 127.0.0.1',
      `Port ${h.imap.port}`,
      `User ${u.address}`,
      `Pass ${u.password}`,
      'SSLType None',
      'AuthMechs LOGIN',
      '',
      'IMAPStore remote',
      'Account preau',
      '',
      'MaildirStore local',
      `Path ${maildir}/`,
      `Inbox ${maildir}/INBOX`,
      'SubFolders Verbatim',
      '',
      'Channel preau',
      'Far :remote:',
      'Near :local:',
      'Patterns INBOX Archive',
      'Create Both',
      'Expunge Both',
      'SyncState *',
      'Sync All',
      '',
    ].join('\n'),
  );
  const sync = async (what: string) => {
    const r = await run(mbsync, ['-c', conf, '-a'], { timeoutMs: 180_000 });
    assert.equal(r.code, 0, `${what}: ${r.stderr}\n${r.stdout}`);
  };
  await sync('first sync');
  assertSame(localState(join(maildir, 'INBOX')), await serverState(account, inbox.id), 'INBOX after the first sync');
  assert.equal(localState(join(maildir, 'INBOX')).size, 1000);

  // On the server: flags on 300 messages, 100 moved to Archive, 20 expunged.
  await setFlags(h.app.ctx.store, account, inbox.id, [{ start: 1, end: 200 }], 'add', ['\\Seen']);
  await setFlags(h.app.ctx.store, account, inbox.id, [{ start: 150, end: 300 }], 'add', ['\\Flagged', '\\Answered']);
  await setFlags(h.app.ctx.store, account, inbox.id, [{ start: 1, end: 50 }], 'remove', ['\\Seen']);
  await moveMessages(h.app.ctx.store, account, inbox.id, [{ start: 401, end: 500 }], archive.id);
  await setFlags(h.app.ctx.store, account, inbox.id, [{ start: 901, end: 920 }], 'add', ['\\Deleted']);
  const { expunge } = await import('../src/mail/messages.ts');
  await expunge(h.app.ctx.store, account, inbox.id, { uids: toRanges(Array.from({ length: 20 }, (_, i) => 901 + i)) });
  // Locally: the message of UID 1000 (untouched on the server) marked as read and flagged.
  let target = '';
  for await (const rows of fetchPlacements(h.app.ctx.store, account, inbox.id, [{ start: 1000, end: 1000 }], { body: true })) target = rows[0]!.body!.messageId!.replace(/^<|>$/g, '');
  assert.ok(target);
  const curDir = join(maildir, 'INBOX', 'cur');
  const newDir = join(maildir, 'INBOX', 'new');
  const pick = [...readdirSync(curDir).map((n) => [curDir, n]), ...readdirSync(newDir).map((n) => [newDir, n])].find(([d, n]) => new RegExp(`Message-ID: <${target}>`, 'i').test(readFileSync(join(d!, n!), 'latin1')))!;
  const base = pick[1]!.split(':2,')[0]!;
  renameSync(join(pick[0]!, pick[1]!), join(curDir, `${base}:2,FS`));

  await sync('second sync');
  const serverInbox = await serverState(account, inbox.id);
  assert.equal(serverInbox.size, 880);
  assert.equal(serverInbox.get(target), 'FS', 'the local flag change reached the server');
  assertSame(localState(join(maildir, 'INBOX')), serverInbox, 'INBOX after the second sync');
  const serverArchive = await serverState(account, archive.id);
  assert.equal(serverArchive.size, 100);
  assertSame(localState(join(maildir, 'Archive')), serverArchive, 'Archive after the second sync');
  // A third sync changes nothing on either side.
  await sync('third sync');
  assertSame(localState(join(maildir, 'INBOX')), await serverState(account, inbox.id), 'INBOX after the third sync');
});
