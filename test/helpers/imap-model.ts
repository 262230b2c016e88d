/** A client-side model of the selected mailbox, kept the way a conforming client keeps it (sequence
 *  number → UID, flags, EXISTS, HIGHESTMODSEQ), fed by every untagged response in order. Anything a
 *  correct server must never send is recorded as a violation. RFC 9051 §7.4.1 (EXISTS), §7.5.1
 *  (EXPUNGE, not during FETCH/STORE/SEARCH), §7.5.2 (FETCH), §2.3.1.1 (UIDs ascending, unique);
 *  RFC 7162 §3.2.10 (VANISHED), §3.1 (MODSEQ). Built on RawImap: raw lines, literals stay inline. */
import { RawImap, type Reply } from './imap-client.ts';

/** One message as the client knows it: UID 0 and flags null until a FETCH told them. */
export interface Entry {
  uid: number;
  flags: string[] | null;
  modseq: number;
}

export type Value = number | string | null | Value[];

/** Parses one IMAP value list body (atoms, numbers, quoted strings, NIL, nested lists). */
export function parseList(s: string): Value[] {
  let i = 0;
  const list = (): Value[] => {
    const out: Value[] = [];
    for (;;) {
      while (s[i] === ' ') i++;
      if (i >= s.length || s[i] === ')') {
        i++;
        return out;
      }
      if (s[i] === '(') {
        i++;
        out.push(list());
      } else if (s[i] === '"') {
        let v = '';
        i++;
        while (i < s.length && s[i] !== '"') v += s[i] === '\\' ? s[++i] : s[i], i++;
        i++;
        out.push(v);
      } else {
        const start = i;
        while (i < s.length && s[i] !== ' ' && s[i] !== ')' && s[i] !== '(') {
          // A section spec such as BODY[HEADER.FIELDS (A B)] stays one atom.
          if (s[i] === '[') while (i < s.length && s[i] !== ']') i++;
          i++;
        }
        const a = s.slice(start, i);
        out.push(a === 'NIL' ? null : /^\d+$/.test(a) ? Number(a) : a);
      }
    }
  };
  return list();
}

/** `* n FETCH (...)` → the sequence number and its items by upper-case name; null for other lines. */
export function parseFetch(line: string): { seq: number; items: Map<string, Value> } | null {
  const m = /^\* (\d+) FETCH \((.*)\)$/i.exec(line);
  if (!m) return null;
  const flat = parseList(m[2]!);
  const items = new Map<string, Value>();
  for (let k = 0; k + 1 < flat.length; k += 2) items.set(String(flat[k]).toUpperCase(), flat[k + 1]!);
  return { seq: Number(m[1]), items };
}

/** `1:3,5,9:7` → [1, 2, 3, 5, 7, 8, 9] (no `*`: servers never send it in VANISHED). */
export function parseUidSet(set: string): number[] {
  const out: number[] = [];
  for (const part of set.split(',')) {
    const [a, b = a] = part.split(':').map(Number) as [number, number?];
    for (let u = Math.min(a, b!); u <= Math.max(a, b!); u++) out.push(u);
  }
  return out.sort((x, y) => x - y);
}

/** Lines of transcript kept per client (PREAU_STRESS_TRANSCRIPT for a deeper look). */
const TRANSCRIPT = Number(process.env.PREAU_STRESS_TRANSCRIPT ?? 60);

const sortFlags = (f: Value): string[] => (Array.isArray(f) ? f.map(String).sort() : []);

export class ImapModel {
  c: RawImap;
  readonly name: string;
  mailbox: string | null = null;
  entries: Entry[] = [];
  highestModseq = 0;
  condstore = false;
  qresync = false;
  violations: string[] = [];
  /** The last lines exchanged, for the failure message. */
  transcript: string[] = [];
  /** UIDVALIDITY and UIDNEXT of the last SELECT. */
  uidNext = 0;
  uidValidity = 0;
  /** While a QRESYNC reselect is checked: UIDs whose flags were reported or that vanished since. */
  #touched: Set<number> | null = null;
  #seenModseq = 0;
  #n = 0;

  constructor(c: RawImap, name: string) {
    this.c = c;
    this.name = name;
  }

  static async login(port: number, name: string, address: string, password: string): Promise<ImapModel> {
    const { c } = await RawImap.connect(port);
    const m = new ImapModel(c, name);
    const r = await m.cmd(`LOGIN "${address}" "${password}"`);
    if (!/^\S+ OK/.test(r.tagged)) throw new Error(`${name}: ${r.tagged}`);
    return m;
  }

  get exists(): number {
    return this.entries.length;
  }

  #note(s: string): void {
    this.transcript.push(s);
    if (this.transcript.length > TRANSCRIPT) this.transcript.splice(0, this.transcript.length - TRANSCRIPT);
  }

  /** Optional: a description of the server's stored state, added to the transcript on a violation. */
  inspect: (() => Promise<string>) | null = null;
  /** The transcript around each of the first violations. */
  contexts: string[] = [];

  violation(what: string): void {
    this.violations.push(`${this.name}: ${what}`);
    if (this.contexts.length < 3) this.contexts.push(`--- ${this.name}: ${what}\n${this.transcript.join('\n')}`);
  }

  /** Sends a command, then applies its untagged responses in order. */
  async cmd(command: string): Promise<Reply> {
    const tag = `${this.name}${++this.#n}`;
    this.#note(`C: ${tag} ${command.length > 120 ? command.slice(0, 120) + '…' : command}`);
    const r = await this.c.cmd(command, tag);
    this.#apply(command, r.lines, r.tagged);
    this.#note(`S: ${r.tagged}`);
    if (/^\S+ OK \[READ-WRITE\]|^\S+ OK \[READ-ONLY\]/.test(r.tagged) && /^(SELECT|EXAMINE) /i.test(command)) this.mailbox = command.split(' ')[1]!;
    return r;
  }

  /** IDLE for `ms`, then DONE; updates received meanwhile are applied like any other. */
  async idle(ms: number): Promise<Reply> {
    const tag = `${this.name}${++this.#n}`;
    this.#note(`C: ${tag} IDLE`);
    this.c.write(`${tag} IDLE\r\n`);
    const before: string[] = [];
    for (;;) {
      const l = await this.c.line();
      if (l.startsWith('+')) break;
      if (l.startsWith(tag + ' ')) throw new Error(`${this.name}: IDLE refused: ${l}`);
      before.push(l);
    }
    await new Promise((r) => setTimeout(r, ms));
    this.c.write('DONE\r\n');
    const r = await this.c.until(tag);
    this.#apply('IDLE', [...before, ...r.lines], r.tagged);
    this.#note(`S: ${r.tagged}`);
    return r;
  }

  /** What a client does after EXISTS: learn the UIDs and flags of the messages it does not know yet. */
  async catchUp(items = 'UID FLAGS'): Promise<void> {
    for (let round = 0; round < 5; round++) {
      const first = this.entries.findIndex((e) => e.uid === 0 || e.flags === null);
      if (first < 0) return;
      const asked = this.entries.slice(first).filter((e) => e.uid === 0 || e.flags === null);
      await this.cmd(`FETCH ${first + 1}:* (${items})`);
      if (round === 0) continue;
      // A message expunged meanwhile is held until a command that may report it (RFC 9051 §7.5.1).
      await this.cmd('NOOP');
      // RFC 9051 §7.5.2: a live message answers FETCH; one that did not and was not expunged by the
      // NOOP after is a phantom in the server's sequence map.
      for (const e of asked) {
        const at = this.entries.indexOf(e);
        if (at >= 0 && (e.uid === 0 || e.flags === null)) {
          // What the server holds, for the failure message: live UIDs and the count.
          await this.cmd('UID SEARCH ALL');
          await this.cmd(`STATUS ${this.mailbox ?? 'INBOX'} (MESSAGES UIDNEXT)`);
          if (this.inspect) this.#note(`(server) ${await this.inspect()}\n(model) ${this.entries.map((x) => x.uid).join(' ')}`);
          return this.violation(`message ${at + 1} did not answer FETCH ${first + 1}:* and was not expunged`);
        }
      }
    }
  }

  /**
   * SELECT with QRESYNC from what the client knows (RFC 7162 §3.2.5): every known message not named
   * by VANISHED (EARLIER) must still be there (unless a VANISHED came later), none named may be; a
   * message whose MODSEQ is not above the client's must have kept the flags the client had, and one
   * changed up to the HIGHESTMODSEQ of the SELECT must have been reported by it.
   */
  async qresyncSelect(mailbox: string): Promise<void> {
    const cache = new Map(this.entries.filter((e) => e.uid && e.flags).map((e) => [e.uid, e.flags!.join(' ')] as const));
    const modseq = this.highestModseq;
    this.#touched = new Set();
    try {
      await this.cmd(`SELECT ${mailbox} (QRESYNC (${this.uidValidity} ${modseq}))`);
      const announced = this.highestModseq;
      const reported = new Set(this.#touched);
      await this.catchUp('UID FLAGS MODSEQ');
      const now = new Map(this.entries.map((e) => [e.uid, e] as const));
      for (const [u, flags] of cache) {
        const e = now.get(u);
        if (!e) {
          if (!this.#touched.has(u)) this.violation(`QRESYNC from ${modseq}: UID ${u} is gone but was not in VANISHED (EARLIER)`);
          continue;
        }
        const f = (e.flags ?? []).join(' ');
        if (e.modseq <= modseq && f !== flags) this.violation(`QRESYNC from ${modseq}: UID ${u} has other flags (${flags} → ${f}) at MODSEQ ${e.modseq}, not above the client's`);
        if (e.modseq > modseq && e.modseq <= announced && !reported.has(u)) this.violation(`QRESYNC from ${modseq}: UID ${u} changed at MODSEQ ${e.modseq} (HIGHESTMODSEQ ${announced}) but the SELECT did not report it`);
      }
    } finally {
      this.#touched = null;
    }
  }

  /** Connection lost: a new connection, ENABLE QRESYNC, SELECT with QRESYNC from the cached state. */
  async reconnect(port: number, address: string, password: string, mailbox: string): Promise<void> {
    this.c.close();
    this.c = (await RawImap.connect(port)).c;
    const r = await this.cmd(`LOGIN "${address}" "${password}"`);
    if (!/^\S+ OK/.test(r.tagged)) throw new Error(`${this.name}: ${r.tagged}`);
    await this.cmd('ENABLE QRESYNC');
    await this.qresyncSelect(mailbox);
  }

  /** A copy of the model: [uid, sorted flags] in sequence order. */
  snapshot(): [number, string[]][] {
    return this.entries.map((e) => [e.uid, [...(e.flags ?? ['?'])].sort()]);
  }

  /**
   * RFC 7162 §6: at each tagged response the client's HIGHESTMODSEQ becomes the last HIGHESTMODSEQ
   * response code received (even if lower), else the highest unsolicited MODSEQ if that is higher.
   */
  #modseqRound(code: number | null, seen: number): void {
    if (code !== null) this.highestModseq = code;
    else if (seen > this.highestModseq) this.highestModseq = seen;
  }

  #apply(command: string, lines: string[], tagged: string): void {
    const verb = command.trim().split(/\s+/, 2).map((w) => w.toUpperCase());
    const uidForm = verb[0] === 'UID';
    const name = uidForm ? verb[1] : verb[0];
    // RFC 9051 §7.5.1 / RFC 3501 §7.4.1: no EXPUNGE while answering FETCH, STORE or SEARCH (not the
    // UID forms); RFC 7162 §3.2.10: VANISHED has the same restriction.
    const noExpunge = !uidForm && (name === 'FETCH' || name === 'STORE' || name === 'SEARCH');
    const selecting = name === 'SELECT' || name === 'EXAMINE';
    if (selecting) {
      this.entries = [];
      this.mailbox = null;
    }
    let code: number | null = null;
    this.#seenModseq = 0;
    for (const l of lines) {
      this.#note(`S: ${l.length > 160 ? l.slice(0, 160) + '…' : l}`);
      let m: RegExpExecArray | null;
      if ((m = /^\* (\d+) EXISTS$/i.exec(l))) {
        const n = Number(m[1]);
        // RFC 9051 §7.4.1: EXISTS never reports fewer messages than the client counts.
        if (n < this.exists) this.violation(`EXISTS ${n} lower than the current count ${this.exists} (${command})`);
        while (this.entries.length < n) this.entries.push({ uid: 0, flags: null, modseq: 0 });
      } else if ((m = /^\* (\d+) EXPUNGE$/i.exec(l))) {
        const n = Number(m[1]);
        if (noExpunge) this.violation(`EXPUNGE ${n} while answering ${command}`);
        if (this.qresync) this.violation(`EXPUNGE ${n} after ENABLE QRESYNC (VANISHED is required, RFC 7162 §3.2.10)`);
        if (n < 1 || n > this.exists) this.violation(`EXPUNGE ${n} out of range 1..${this.exists} (${command})`);
        else this.entries.splice(n - 1, 1);
      } else if ((m = /^\* VANISHED \(EARLIER\) (\S+)$/i.exec(l))) {
        // Messages the client may have cached from an earlier session: dropped, counts not decremented per UID.
        const gone = new Set(parseUidSet(m[1]!));
        for (const u of gone) this.#touched?.add(u);
        this.entries = this.entries.filter((e) => !gone.has(e.uid));
      } else if ((m = /^\* VANISHED (\S+)$/i.exec(l))) {
        if (noExpunge) this.violation(`VANISHED ${m[1]} while answering ${command}`);
        if (!this.qresync) this.violation(`VANISHED without QRESYNC enabled`);
        for (const u of parseUidSet(m[1]!)) this.#vanish(u, command);
      } else if (/^\* \d+ FETCH /i.test(l)) {
        this.#fetch(l, command);
      } else if ((m = /^\* SEARCH(.*)$/i.exec(l))) {
        const found = m[1]!.trim().split(/\s+/).filter(Boolean).map(Number);
        if (!uidForm) for (const n of found) if (n < 1 || n > this.exists) this.violation(`SEARCH result ${n} beyond the count ${this.exists}`);
        // UID SEARCH: a UID below the highest the client knows must be one of its messages (not one
        // already expunged); higher ones may be messages not announced yet.
        if (uidForm && this.entries.every((e) => e.uid !== 0)) {
          const known = new Set(this.entries.map((e) => e.uid));
          const top = Math.max(0, ...known);
          for (const u of found) if (u < top && !known.has(u)) this.violation(`UID SEARCH result ${u}: not a message of the mailbox (${command})`);
        }
      } else if ((m = /^\* OK \[HIGHESTMODSEQ (\d+)\]/i.exec(l))) {
        code = Number(m[1]);
      } else if ((m = /^\* OK \[UIDVALIDITY (\d+)\]/i.exec(l))) {
        this.uidValidity = Number(m[1]);
      } else if ((m = /^\* OK \[UIDNEXT (\d+)\]/i.exec(l))) {
        this.uidNext = Number(m[1]);
      } else if ((m = /^\* ENABLED(.*)$/i.exec(l))) {
        const caps = m[1]!.toUpperCase().split(/\s+/);
        if (caps.includes('QRESYNC')) this.qresync = this.condstore = true;
        if (caps.includes('CONDSTORE')) this.condstore = true;
      } else if (/^\* BYE/i.test(l)) {
        this.violation(`unexpected ${l}`);
      }
    }
    this.#checkOrder(command);
    this.#checkStore(command, lines);
    const t = /^\S+ OK \[HIGHESTMODSEQ (\d+)\]/i.exec(tagged);
    if (t) code = Number(t[1]);
    // Answers to FETCH may carry solicited MODSEQ items (CHANGEDSINCE): not counted.
    this.#modseqRound(code, name === 'FETCH' ? 0 : this.#seenModseq);
  }

  /** VANISHED uid: the message with that UID, or one not yet identified between its neighbours. */
  #vanish(u: number, command: string): void {
    this.#touched?.add(u);
    const i = this.entries.findIndex((e) => e.uid === u);
    if (i >= 0) {
      this.entries.splice(i, 1);
      return;
    }
    // An entry whose UID the client has not fetched yet may be it, if it lies where u would sort.
    let lo = -1;
    for (let k = 0; k < this.entries.length; k++) if (this.entries[k]!.uid !== 0 && this.entries[k]!.uid < u) lo = k;
    for (let k = lo + 1; k < this.entries.length && (this.entries[k]!.uid === 0 || this.entries[k]!.uid > u); k++) {
      if (this.entries[k]!.uid === 0) {
        this.entries.splice(k, 1);
        return;
      }
      break;
    }
    // RFC 7162 §3.2.10.2: VANISHED names only messages announced to the client and not yet expunged.
    this.violation(`VANISHED ${u}: no such message in the client's view (${command})`);
  }

  #fetch(l: string, command: string): void {
    const f = parseFetch(l);
    if (!f) return this.violation(`unparsable FETCH: ${l}`);
    if (f.seq < 1 || f.seq > this.exists) return this.violation(`FETCH for ${f.seq} beyond the count ${this.exists} (${command})`);
    const e = this.entries[f.seq - 1]!;
    const uid = f.items.get('UID');
    if (typeof uid === 'number') {
      if (e.uid === 0) e.uid = uid;
      else if (e.uid !== uid) this.violation(`FETCH ${f.seq} says UID ${uid}, the client has UID ${e.uid} there (${command})`);
    }
    const ms = f.items.get('MODSEQ');
    const modseq = Array.isArray(ms) && typeof ms[0] === 'number' ? ms[0] : 0;
    if (modseq) {
      if (!this.condstore) this.violation(`MODSEQ sent without CONDSTORE: ${l}`);
      // RFC 7162 §3.1: a message's mod-sequence only grows; an older one reports a stale state.
      if (modseq < e.modseq) this.violation(`FETCH ${f.seq} (UID ${e.uid}) MODSEQ ${modseq} older than ${e.modseq} already seen: stale flags`);
      e.modseq = Math.max(e.modseq, modseq);
      this.#seenModseq = Math.max(this.#seenModseq, modseq);
    }
    if (f.items.has('FLAGS') && (!modseq || modseq >= e.modseq)) e.flags = sortFlags(f.items.get('FLAGS')!);
    // Reported as a change by the QRESYNC SELECT answer.
    if (f.items.has('FLAGS') && e.uid && /^SELECT /i.test(command)) this.#touched?.add(e.uid);
  }

  /**
   * RFC 9051 §6.4.6: the FETCH a STORE answers with shows the flags after the change, so +FLAGS
   * flags are there and -FLAGS ones are gone (only the lines before any EXISTS, EXPUNGE or VANISHED,
   * which may come from other sessions' later changes).
   */
  #checkStore(command: string, lines: string[]): void {
    const m = /^(UID )?STORE ([\d:,]+) ([+-])FLAGS \(([^)]*)\)$/i.exec(command.trim());
    if (!m) return;
    // Only the messages the STORE named: other FETCH lines report other sessions' changes.
    const named = new Set(parseUidSet(m[2]!));
    const want = m[4]!.split(/\s+/).filter(Boolean).map((f) => f.toLowerCase());
    const seen = new Set<number>();
    for (const l of lines) {
      const f = parseFetch(l);
      if (!f) {
        if (/^\* (\d+ EXISTS|\d+ EXPUNGE|VANISHED)/i.test(l)) return;
        continue;
      }
      if (seen.has(f.seq) || !named.has(m[1] ? Number(f.items.get('UID')) : f.seq)) continue;
      seen.add(f.seq);
      const flags = f.items.get('FLAGS');
      if (!Array.isArray(flags)) continue;
      const have = new Set(flags.map((x) => String(x).toLowerCase()));
      for (const w of want) if (have.has(w) !== (m[3] === '+')) this.violation(`${command}: FETCH ${f.seq} shows ${flags.join(' ')}`);
    }
  }

  /** RFC 9051 §2.3.1.1: UIDs strictly ascend with sequence numbers, hence never appear twice. */
  #checkOrder(command: string): void {
    let prev = 0;
    for (let i = 0; i < this.entries.length; i++) {
      const u = this.entries[i]!.uid;
      if (u === 0) continue;
      if (u <= prev) {
        this.violation(`UID ${u} at ${i + 1} not above the previous UID ${prev} (${command})`);
        return;
      }
      prev = u;
    }
  }
}
