/** Commands contributed by other domains (queue, dns …), registered here so the CLI stays one table. */
import type { Config } from '../config/schema.ts';
import { buildContext } from '../app.ts';
import { createLogger } from '../log/index.ts';
import { queueCommand, dnsCommand } from '../queue/index.ts';

export interface ExtraCommand {
  name: string;
  usage: string;
  run(config: Config, args: string[], print: (s: string) => void): Promise<number>;
}

/** Run `fn` with a full application context (store, blobs, TLS) but no door opened. */
async function withContext(config: Config, fn: (ctx: Awaited<ReturnType<typeof buildContext>>) => Promise<string>, print: (s: string) => void): Promise<number> {
  const ctx = await buildContext(config, { log: createLogger('warn') });
  try {
    print(await fn(ctx));
    return 0;
  } finally {
    await ctx.store.close();
  }
}

export const extraCommands: ExtraCommand[] = [
  {
    name: 'queue',
    usage: 'queue list [--all] | queue retry ID | queue delete ID   outbound queue, per-recipient state and last error',
    run: (config, args, print) => withContext(config, (ctx) => queueCommand(ctx, args), print),
  },
  {
    name: 'dns',
    usage: 'dns [DOMAIN]                            DNS records to publish (MX, SPF, DKIM, DMARC, autoconfig)',
    run: (config, args, print) => withContext(config, (ctx) => dnsCommand(ctx, args[0] ?? config.domain), print),
  },
];
