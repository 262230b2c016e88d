/** Public API of the MIME layer: parse once at delivery, then slice and decode by offsets. RFC 2045-2047, RFC 2231, RFC 5322, RFC 9051 §6.4.5/§7.5.2, RFC 8621 §4.1. */
export type * from './types.ts';
export { parseMessage, parseMessageSync, messageIds, parseDate } from './message.ts';
export { decodePartBody, decodePartText, decodeTransfer, isKnownEncoding } from './decode.ts';
export { baseSubject, FRENCH_PREFIXES, type BaseSubjectOptions } from './subject.ts';
export { findPart, sectionRange, headerFields, sliceRange, type ByteRange } from './sections.ts';
export { decodeWords, decodeCharset } from './words.ts';
export { htmlToText } from './html-text.ts';
export { jmapPartId } from './body.ts';
