/** The IMAP command table: which states accept each command and its handler. RFC 9051 §6. */
import type { CommandTable } from './common.ts';
import { capability } from './capability.ts';
import { noop, check } from './noop.ts';
import { logout } from './logout.ts';
import { starttls } from './starttls.ts';
import { login } from './login.ts';
import { authenticate } from './authenticate.ts';
import { enable } from './enable.ts';
import { id } from './id.ts';
import { namespace } from './namespace.ts';
import { select, examine } from './select.ts';
import { close } from './close.ts';
import { unselect } from './unselect.ts';
import { create } from './create.ts';
import { deleteMailbox } from './delete.ts';
import { rename } from './rename.ts';
import { subscribe, unsubscribe } from './subscribe.ts';
import { list, lsub } from './list.ts';
import { status } from './status.ts';
import { append } from './append.ts';
import { idle } from './idle.ts';
import { expunge } from './expunge.ts';
import { search } from './search.ts';
import { fetch } from './fetch.ts';
import { store } from './store.ts';
import { copy, move } from './copy.ts';
import { sort } from './sort.ts';
import { thread } from './thread.ts';
import { getquota, getquotaroot, setquota } from './quota.ts';
import { compress } from './compress.ts';

export const COMMANDS: CommandTable = {
  CAPABILITY: capability,
  NOOP: noop,
  CHECK: check,
  LOGOUT: logout,
  STARTTLS: starttls,
  LOGIN: login,
  AUTHENTICATE: authenticate,
  ENABLE: enable,
  ID: id,
  NAMESPACE: namespace,
  SELECT: select,
  EXAMINE: examine,
  CLOSE: close,
  UNSELECT: unselect,
  CREATE: create,
  DELETE: deleteMailbox,
  RENAME: rename,
  SUBSCRIBE: subscribe,
  UNSUBSCRIBE: unsubscribe,
  LIST: list,
  LSUB: lsub,
  STATUS: status,
  APPEND: append,
  IDLE: idle,
  EXPUNGE: expunge,
  SEARCH: search,
  FETCH: fetch,
  STORE: store,
  COPY: copy,
  MOVE: move,
  SORT: sort,
  THREAD: thread,
  GETQUOTA: getquota,
  GETQUOTAROOT: getquotaroot,
  SETQUOTA: setquota,
  COMPRESS: compress,
};
