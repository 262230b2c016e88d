/** Public surface of the sans-I/O IMAP protocol layer (RFC 9051, RFC 3501 and extensions). */
export * from './types.ts';
export { Receiver, type ReceiverEvent, type ReceiverOptions, type Segment } from './receiver.ts';
export { defaultLimits, ImapProtoError, type ProtoLimits, type ImapProtoErrorCode } from './limits.ts';
export { parseCommand } from './parse-command.ts';
export { FETCH_MACROS } from './parse-fetch.ts';
export { atom, codes, formatDateTime, formatResponse, formatValue, quote, type FormatOptions, type Namespace, type Response, type ThreadNode, type Value } from './format.ts';
export { bodyStructureValue, envelopeValue, fetchItemName, flagsValue, formatSection } from './body.ts';
export { decodeMailboxName, decodeMutf7, encodeMailboxName, encodeMutf7, Mutf7Error } from './mutf7.ts';
export { compressNumbers, filterBySequenceSet, formatSequenceSet, inSequenceSet } from './sequence.ts';
export { writeRequest } from './request-writer.ts';
