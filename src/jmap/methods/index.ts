/** The method table: JMAP method name → capability and handler (one file per method). RFC 8620 §3.3. */
import { CAP } from '../capabilities.ts';
import type { MethodDef, MethodHandler } from '../types.ts';
import { coreEcho } from './core-echo.ts';
import { mailboxChanges, mailboxGet } from './mailbox-get.ts';
import { mailboxQuery, mailboxQueryChanges } from './mailbox-query.ts';
import { mailboxSet } from './mailbox-set.ts';
import { threadChanges, threadGet } from './thread.ts';
import { emailGet } from './email-get.ts';
import { emailChanges } from './email-changes.ts';
import { identityChanges, identityGet, identitySet } from './identity.ts';
import { vacationGet, vacationSet } from './vacation-response.ts';
import { quotaGet } from './quota-get.ts';
import { emailQuery, emailQueryChanges } from './email-query.ts';
import { emailSet } from './email-set.ts';
import { emailImport } from './email-import.ts';
import { emailParse } from './email-parse.ts';
import { emailCopy } from './email-copy.ts';
import { searchSnippetGet } from './search-snippet.ts';
import { submissionChanges, submissionGet, submissionQuery, submissionQueryChanges } from './email-submission-get.ts';
import { submissionSet } from './email-submission-set.ts';
import { emailReportPhishing } from './email-report-phishing.ts';

const m = (capability: string, handler: MethodHandler): MethodDef => ({ capability, handler });

export const METHODS = new Map<string, MethodDef>([
  ['Core/echo', m(CAP.core, coreEcho)],
  ['Mailbox/get', m(CAP.mail, mailboxGet)],
  ['Mailbox/changes', m(CAP.mail, mailboxChanges)],
  ['Mailbox/query', m(CAP.mail, mailboxQuery)],
  ['Mailbox/queryChanges', m(CAP.mail, mailboxQueryChanges)],
  ['Mailbox/set', m(CAP.mail, mailboxSet)],
  ['Thread/get', m(CAP.mail, threadGet)],
  ['Thread/changes', m(CAP.mail, threadChanges)],
  ['Email/get', m(CAP.mail, emailGet)],
  ['Email/changes', m(CAP.mail, emailChanges)],
  ['Email/query', m(CAP.mail, emailQuery)],
  ['Email/queryChanges', m(CAP.mail, emailQueryChanges)],
  ['Email/set', m(CAP.mail, emailSet)],
  ['Email/copy', m(CAP.mail, emailCopy)],
  ['Email/import', m(CAP.mail, emailImport)],
  ['Email/parse', m(CAP.mail, emailParse)],
  ['SearchSnippet/get', m(CAP.mail, searchSnippetGet)],
  ['EmailSubmission/get', m(CAP.submission, submissionGet)],
  ['EmailSubmission/changes', m(CAP.submission, submissionChanges)],
  ['EmailSubmission/query', m(CAP.submission, submissionQuery)],
  ['EmailSubmission/queryChanges', m(CAP.submission, submissionQueryChanges)],
  ['EmailSubmission/set', m(CAP.submission, submissionSet)],
  ['Identity/get', m(CAP.submission, identityGet)],
  ['Identity/changes', m(CAP.submission, identityChanges)],
  ['Identity/set', m(CAP.submission, identitySet)],
  ['VacationResponse/get', m(CAP.vacation, vacationGet)],
  ['VacationResponse/set', m(CAP.vacation, vacationSet)],
  ['Quota/get', m(CAP.quota, quotaGet)],
  ['Email/reportPhishing', m(CAP.verdict, emailReportPhishing)],
]);
