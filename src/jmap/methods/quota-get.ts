/** Quota/get: one quota per account, octets, scope account. RFC 9425 §4.1, §4.2. */
import { getQuota } from '../../mail/quota.ts';
import { quotaState } from '../state.ts';
import { getIds, getProperties, pick } from '../standard.ts';
import type { MethodHandler } from '../types.ts';

const PROPS = ['id', 'resourceType', 'used', 'hardLimit', 'scope', 'name', 'types', 'warnLimit', 'softLimit', 'description'];

export const quotaGet: MethodHandler = async (args, c) => {
  const ids = getIds(args, c);
  const props = getProperties(args, PROPS, PROPS);
  const q = (await getQuota(c.deps.store, c.account)) ?? { used: 0, limit: 0 };
  const quota = {
    id: 'mail',
    resourceType: 'octets',
    used: q.used,
    hardLimit: q.limit,
    warnLimit: Math.floor(q.limit * 0.9),
    scope: 'account',
    name: 'Messagerie',
    types: ['Mailbox', 'Email', 'Thread', 'EmailSubmission'],
    description: 'Espace de stockage de la messagerie / mail storage',
  };
  const list = ids === null || ids.includes('mail') ? [pick(quota, props)] : [];
  return { accountId: `a${c.account}`, state: await quotaState(c.deps.store, c.account), list, notFound: (ids ?? []).filter((i) => i !== 'mail') };
};
