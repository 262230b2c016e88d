/** Attachment analyzers: executables, disk images and shortcuts, HTML, macro documents, double extensions, RTLO names, encrypted ZIP (APPNOTE 4.4.4). */
import type { MimePart, ParsedMessage } from '../mime/types.ts';
import type { AuthResults } from './auth.ts';
import type { SecurityPolicy, TagName } from './policy.ts';
import { tag, type Tag } from './types.ts';

const EXEC = new Set('exe scr bat cmd com pif cpl js jse vbs vbe wsf wsh wsc hta ps1 psm1 psd1 msi msp mst jar reg scf vb application gadget appref-ms msc inf sct xll dll sys'.split(' '));
const DISK = new Set('lnk url iso img vhd vhdx dmg udf'.split(' '));
const HTML = new Set('html htm shtml xhtml mht mhtml svg'.split(' '));
const MACRO = new Set('docm dotm xlsm xltm xlam xlsb pptm potm ppam ppsm sldm'.split(' '));
const DOC = /\.(pdf|docx?|xlsx?|pptx?|odt|ods|odp|rtf|txt|csv|jpe?g|png|gif|zip|rar|7z)[\s_.]*\.([a-z0-9-]{1,12})$/i;
// Bidirectional overrides and isolates that reverse how a name is displayed ("fac\u202Efdp.exe").
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;

// Limit: content checks read at most the first 4 MiB of each attachment, and at most 20 attachments.
const CONTENT_LIMIT = 4 << 20;
const MAX_ATTACHMENTS = 20;

function ext(name: string): string {
  const m = /\.([a-z0-9-]{1,16})\s*$/i.exec(name);
  return m ? m[1].toLowerCase() : '';
}

function findPart(root: MimePart, partId: string): MimePart | null {
  if (root.partId === partId) return root;
  for (const c of root.children ?? []) {
    const f = findPart(c, partId);
    if (f) return f;
  }
  return null;
}

/** Decoded leading bytes of a part (base64 and identity encodings; quoted-printable binaries are not examined). */
export function partBytes(raw: Buffer, part: MimePart): Buffer | null {
  if (!(part.bodyEnd > part.bodyStart) || part.bodyEnd > raw.length) return null;
  const enc = part.encoding.toUpperCase();
  if (enc === 'BASE64') {
    const src = raw.subarray(part.bodyStart, Math.min(part.bodyEnd, part.bodyStart + Math.ceil((CONTENT_LIMIT * 4) / 3) + 4096));
    return Buffer.from(src.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  }
  if (enc === '7BIT' || enc === '8BIT' || enc === 'BINARY') return raw.subarray(part.bodyStart, Math.min(part.bodyEnd, part.bodyStart + CONTENT_LIMIT));
  return null;
}

export interface ZipFacts {
  encrypted: boolean;
  names: string[];
}

const ZIP_LOCAL = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** Local file headers of a ZIP (APPNOTE §4.3.7): general purpose bit 0 = encrypted (§4.4.4). */
export function zipFacts(buf: Buffer): ZipFacts | null {
  if (buf.length < 30 || !buf.subarray(0, 4).equals(ZIP_LOCAL)) return null;
  const names: string[] = [];
  let encrypted = false;
  // Limit: at most 2000 entries are listed.
  for (let o = 0; o >= 0 && o + 30 <= buf.length && names.length < 2000; o = buf.indexOf(ZIP_LOCAL, o + 4)) {
    const flags = buf.readUInt16LE(o + 6);
    const nameLen = buf.readUInt16LE(o + 26);
    if (flags & 1) encrypted = true;
    names.push(buf.subarray(o + 30, Math.min(buf.length, o + 30 + nameLen)).toString(flags & 0x800 ? 'utf8' : 'latin1'));
  }
  return { encrypted, names };
}

const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const VBA_UTF16 = Buffer.from('_VBA_PROJECT', 'utf16le');
const LNK = Buffer.from([0x4c, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00]);

interface Finding {
  name: TagName;
  detail: string;
}

/** Findings for one attachment from its name and, cheaply, its first bytes. */
export function inspectAttachment(name: string, bytes: Buffer | null): Finding[] {
  const out: Finding[] = [];
  const e = ext(name);
  if (BIDI.test(name)) out.push({ name: 'RTLO_FILENAME', detail: 'right-to-left override in the name' });
  const dbl = DOC.exec(name);
  if (dbl && (EXEC.has(dbl[2].toLowerCase()) || DISK.has(dbl[2].toLowerCase()) || HTML.has(dbl[2].toLowerCase()))) out.push({ name: 'DOUBLE_EXTENSION', detail: `.${dbl[1]}.${dbl[2]}` });
  if (EXEC.has(e)) out.push({ name: 'EXECUTABLE_ATTACHMENT', detail: `.${e}` });
  if (DISK.has(e)) out.push({ name: 'DISK_IMAGE_ATTACHMENT', detail: `.${e}` });
  if (HTML.has(e)) out.push({ name: 'HTML_ATTACHMENT', detail: `.${e}` });
  if (MACRO.has(e)) out.push({ name: 'MACRO_DOCUMENT', detail: `.${e}` });
  if (!bytes) return out;
  const has = (n: TagName) => out.some((f) => f.name === n);
  if (!has('EXECUTABLE_ATTACHMENT') && bytes.length > 64 && bytes[0] === 0x4d && bytes[1] === 0x5a) out.push({ name: 'EXECUTABLE_ATTACHMENT', detail: 'Windows program (MZ) under another name' });
  if (!has('DISK_IMAGE_ATTACHMENT') && bytes.length >= 8 && bytes.subarray(0, 8).equals(LNK)) out.push({ name: 'DISK_IMAGE_ATTACHMENT', detail: 'Windows shortcut content' });
  if (!has('DISK_IMAGE_ATTACHMENT') && bytes.length > 0x8006 && bytes.toString('latin1', 0x8001, 0x8006) === 'CD001') out.push({ name: 'DISK_IMAGE_ATTACHMENT', detail: 'ISO 9660 image content' });
  if (!has('MACRO_DOCUMENT') && bytes.subarray(0, 8).equals(OLE) && bytes.includes(VBA_UTF16)) out.push({ name: 'MACRO_DOCUMENT', detail: 'OLE document with a VBA project' });
  const zip = zipFacts(bytes);
  if (zip) {
    if (zip.encrypted) out.push({ name: 'ENCRYPTED_ARCHIVE', detail: 'password-protected ZIP' });
    if (!has('MACRO_DOCUMENT') && zip.names.some((n) => /(^|\/)vbaProject\.bin$/i.test(n))) out.push({ name: 'MACRO_DOCUMENT', detail: 'Office document with vbaProject.bin' });
    const inner = zip.names.find((n) => EXEC.has(ext(n)) || DISK.has(ext(n)));
    if (inner && !has('EXECUTABLE_ATTACHMENT')) out.push({ name: 'EXECUTABLE_ATTACHMENT', detail: `archive contains ${inner.slice(0, 80)}` });
  }
  return out;
}

/** Every named part (attachments and inline files) with its name. */
function namedParts(parsed: ParsedMessage): { partId: string; name: string }[] {
  const out = new Map<string, string>();
  for (const a of parsed.attachments) if (a.name) out.set(a.partId, a.name);
  const walk = (p: MimePart) => {
    if (p.name && !out.has(p.partId)) out.set(p.partId, p.name);
    for (const c of p.children ?? []) walk(c);
  };
  if (parsed.root) walk(parsed.root);
  return [...out].slice(0, MAX_ATTACHMENTS).map(([partId, name]) => ({ partId, name }));
}

export function analyzeAttachments(parsed: ParsedMessage, raw: Buffer, _auth: AuthResults, policy: SecurityPolicy): Tag[] {
  const out: Tag[] = [];
  for (const { partId, name } of namedParts(parsed)) {
    const part = parsed.root ? findPart(parsed.root, partId) : null;
    const bytes = part ? partBytes(raw, part) : null;
    for (const f of inspectAttachment(name, bytes)) out.push(tag(policy, f.name, `${name}: ${f.detail}`, name));
  }
  return out;
}

/** Tags that make an attachment dangerous (used for the verdict's list and quarantine). */
export const DANGEROUS_ATTACHMENT_TAGS: ReadonlySet<TagName> = new Set<TagName>(['EXECUTABLE_ATTACHMENT', 'DISK_IMAGE_ATTACHMENT', 'HTML_ATTACHMENT', 'MACRO_DOCUMENT', 'DOUBLE_EXTENSION', 'RTLO_FILENAME', 'ENCRYPTED_ARCHIVE', 'VIRUS_FOUND']);
