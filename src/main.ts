/** Composition root entry point: `node src/main.ts <command>` (npm start / npm run preau -- …). */
import { runCli } from './cli/index.ts';

const code = await runCli(process.argv.slice(2));
if (code !== 0) process.exit(code);
