/** Composition root entry point: `node src/main.ts <command>` (npm start / npm run preau -- …). */

// Blob writes fsync a file and its directory in libuv's thread pool: 4 threads would cap
// deliveries per second on a slow disk. Must be set before the pool starts (first async fs call).
process.env.UV_THREADPOOL_SIZE ??= '16';

const { runCli } = await import('./cli/index.ts');
const code = await runCli(process.argv.slice(2));
if (code !== 0) process.exit(code);
