/** The IMAP capability list, one extension per line with the RFC that defines it. RFC 9051 §6.1.1, §7.2.2. */

// Capabilities offered once authenticated (and, for most, before too: clients plan with them).
const EXTENSIONS: [capability: string, rfc: string][] = [
  ['IMAP4rev1', 'RFC 3501'],
  ['IMAP4rev2', 'RFC 9051'],
  ['LITERAL+', 'RFC 7888 §3, or LITERAL- (§5) when the receiver bounds non-synchronising literals'],
  ['SASL-IR', 'RFC 4959'],
  ['ENABLE', 'RFC 5161'],
  ['IDLE', 'RFC 2177'],
  ['NAMESPACE', 'RFC 2342'],
  ['ID', 'RFC 2971'],
  ['UIDPLUS', 'RFC 4315'],
  ['MULTIAPPEND', 'RFC 3502: every message of one APPEND is stored, or none'],
  ['UNSELECT', 'RFC 3691'],
  ['MOVE', 'RFC 6851'],
  ['CHILDREN', 'RFC 3348'],
  ['LIST-EXTENDED', 'RFC 5258'],
  ['LIST-STATUS', 'RFC 5819'],
  ['SPECIAL-USE', 'RFC 6154'],
  ['CREATE-SPECIAL-USE', 'RFC 6154 §3'],
  ['ESEARCH', 'RFC 4731'],
  ['SEARCHRES', 'RFC 5182'],
  ['SORT', 'RFC 5256'],
  ['THREAD=ORDEREDSUBJECT', 'RFC 5256'],
  ['THREAD=REFERENCES', 'RFC 5256'],
  ['CONDSTORE', 'RFC 7162'],
  ['QRESYNC', 'RFC 7162'],
  ['BINARY', 'RFC 3516'],
  ['STATUS=SIZE', 'RFC 8438'],
  ['UTF8=ACCEPT', 'RFC 6855'],
  ['QUOTA', 'RFC 9208'],
  ['QUOTA=RES-STORAGE', 'RFC 9208 §5.1'],
  ['COMPRESS=DEFLATE', 'RFC 4978'],
  ['OBJECTID', 'RFC 8474'],
];

export interface CapabilityState {
  secure: boolean;
  tlsAvailable: boolean;
  authenticated: boolean;
  /** Whether LOGIN / AUTHENTICATE may be used on this connection now. */
  loginAllowed: boolean;
  appendLimit: number;
  /** The receiver accepts {n+} of any size within its literal limits (RFC 7888 §4); else LITERAL-. */
  literalPlus: boolean;
}

/** The capability list for a connection in its current state. */
export function capabilityList(s: CapabilityState): string[] {
  // RFC 7888 §5: LITERAL+ and LITERAL- are never advertised together.
  const caps = EXTENSIONS.map(([c]) => (c === 'LITERAL+' && !s.literalPlus ? 'LITERAL-' : c));
  // RFC 7889: APPENDLIMIT=n, the largest message APPEND accepts.
  caps.push(`APPENDLIMIT=${s.appendLimit}`);
  if (!s.authenticated) {
    // RFC 9051 §6.2.1: STARTTLS offered on a clear connection that can be upgraded.
    if (!s.secure && s.tlsAvailable) caps.push('STARTTLS');
    // RFC 9051 §6.2.3 / §7.2.2: LOGINDISABLED while credentials would cross in clear.
    if (s.loginAllowed) caps.push('AUTH=PLAIN');
    else caps.push('LOGINDISABLED');
  }
  return caps;
}
