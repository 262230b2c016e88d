/** Child process for test/queue-restart.test.ts and bench/submission: a Préau submission door and/or outbound worker over a given data dir. */
import { loadConfig } from '../src/config/load.ts';
import { buildContext } from '../src/app.ts';
import { startSubmissionServer } from '../src/smtp/submission.ts';
import { startOutboundWorker } from '../src/queue/index.ts';
import { createAccount, findAccountByAddress } from '../src/accounts/service.ts';
import { createLogger } from '../src/log/index.ts';
import { fakeResolver } from './submission-helpers.ts';

const [dataDir, sinkPort, mode, overrides] = process.argv.slice(2);
const config = loadConfig({}, { dataDir, domain: 'ac-test.fr', logLevel: 'silent', smtpPort: 0, submissionPort: 0, imapPort: 0, httpPort: 0, ...(overrides ? JSON.parse(overrides) : {}) });
const ctx = await buildContext(config, { log: createLogger(process.env.PREAU_TEST_LOG ?? 'silent') });
const password = 'Tr3s-b0n-m0t-de-passe!';
if (!(await findAccountByAddress(ctx.store, 'alice.durand@ac-test.fr'))) await createAccount(ctx.store, { domain: 'ac-test.fr', firstName: 'Alice', lastName: 'Durand', password });
const sub = mode.includes('submit') ? await startSubmissionServer(ctx, { port: 0, securePort: undefined, host: '127.0.0.1' }) : null;
const worker = mode.includes('work') ? startOutboundWorker(ctx, { resolver: fakeResolver(), portFor: () => Number(sinkPort), leaseMs: 1000, pollMs: 100, timeoutMs: 60_000 }) : null;
process.on('SIGTERM', async () => {
  await worker?.stop();
  await sub?.close();
  await ctx.store.close();
  process.exit(0);
});
process.stdout.write(JSON.stringify({ ready: true, port: sub?.port ?? 0, address: 'alice.durand@ac-test.fr', password }) + '\n');
