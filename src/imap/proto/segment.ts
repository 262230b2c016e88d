/** A piece of a received command (RFC 9051 §4.3): text between literals, or a literal's octets. */
export type Segment = { literal: false; data: Buffer } | { literal: true; data: Buffer; binary: boolean };
