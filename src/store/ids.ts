/** Branded identifiers: a UID can never be passed where a sequence number is expected. */
export type Brand<T, B extends string> = T & { readonly __brand: B };
export type AccountId = Brand<number, 'AccountId'>;
export type DomainId = Brand<number, 'DomainId'>;
export type MailboxId = Brand<number, 'MailboxId'>;
export type EmailId = Brand<number, 'EmailId'>;
export type ThreadId = Brand<number, 'ThreadId'>;
export type BlobId = Brand<string, 'BlobId'>;
export type Uid = Brand<number, 'Uid'>;
export type SeqNum = Brand<number, 'SeqNum'>;
export type ModSeq = Brand<number, 'ModSeq'>;
export type SessionId = Brand<string, 'SessionId'>;

/** Data types carried by StateChange, named as in JMAP (RFC 8620 §7.1). */
export type DataType = 'Mailbox' | 'Email' | 'Thread' | 'EmailDelivery' | 'Identity' | 'EmailSubmission' | 'VacationResponse' | 'Quota' | 'Account';

/** The thin signal published after a commit (ARCHITECTURE.md, "The store's shape"). */
export interface StateChange {
  account: AccountId;
  modseq: ModSeq;
  types: ReadonlySet<DataType>;
  mailboxes?: ReadonlySet<MailboxId>;
  origin?: SessionId;
}
