/** Spam training hooks: $junk / $notjunk set through JMAP train the classifier (src/security). RFC 8621 §4.1.1 (keywords), RFC 5788. */
import { train } from '../security/index.ts';
import { parseMessage } from '../mime/index.ts';
import type { BlobId, AccountId } from '../store/ids.ts';
import type { JmapDeps } from './types.ts';

/** Train after the user marked an email as junk (spam) or not junk (ham). Failures are logged, never fatal. */
export async function trainOnKeywords(deps: JmapDeps, account: AccountId, blobId: string, before: Record<string, true>, after: Record<string, boolean>): Promise<void> {
  const cls = after.$junk && !before.$junk ? 'spam' : after.$notjunk && !before.$notjunk ? 'ham' : null;
  if (!cls) return;
  try {
    const raw = await deps.blobs.get(blobId as BlobId);
    await train(deps.store, account, { raw, parsed: await parseMessage(raw) }, cls);
  } catch (e) {
    deps.log.warn({ account, err: (e as Error).message }, 'jmap.training.failed');
  }
}
