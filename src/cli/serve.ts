/** `preau serve` / `preau demo`: first-run bootstrap, then every door until SIGINT/SIGTERM. */
import type { Config } from '../config/schema.ts';
import { startApp } from '../app.ts';
import { countAdmins, createAccount } from '../accounts/service.ts';
import { seedDemo } from './demo.ts';

export async function serve(config: Config, opts: { demo: boolean }): Promise<void> {
  const app = await startApp(config, { warmThreads: true });
  const { ctx } = app;
  if ((await countAdmins(ctx.store)) === 0) {
    const admin = await createAccount(ctx.store, { domain: config.domain, firstName: 'Administrateur', lastName: 'Préau', role: 'admin', address: `admin@${config.domain}` });
    console.log(
      [
        '',
        '  Préau est prêt / Préau is ready.',
        `  Première connexion / first sign-in: ${config.publicUrl}/`,
        `    Identifiant / identifier:  ${admin.address}`,
        `    Mot de passe à usage unique / one-time password:  ${admin.oneTimePassword}`,
        '    (à changer à la première connexion / must be changed at first sign-in)',
        '',
      ].join('\n'),
    );
  }
  if (opts.demo) {
    const seeded = await seedDemo(ctx);
    if (seeded) {
      console.log(`  Démo : ${seeded.accounts} comptes créés ; mot de passe de chaque compte / every account's password: ${seeded.password}`);
      console.log(`  Exemple / example: ${seeded.example}`);
    }
  }
  const p = app.ports;
  console.log(`  SMTP ${p.smtp || '-'}  submission ${p.submission || '-'}  IMAP ${p.imap || '-'}  HTTP ${p.http || '-'}  (${config.listen}; data: ${config.dataDir})`);
  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    ctx.log.info({ event: 'server.stopping', signal: sig });
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
