/** The `preau` command line: serve, demo, domain, account, alias, quota, import (npm run preau -- …). */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig, parseSize, ConfigError } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import { addAlias, createAccount, createDomain, findAccountByAddress, listAccounts, listAddresses, listDomains, setAccountQuota, setDomainQuota, AccountError, type Role } from '../accounts/service.ts';
import { importStaff } from './import-staff.ts';
import { serve } from './serve.ts';
import { extraCommands } from './extra.ts';

const HELP = `Préau — commandes / commands (npm run preau -- <command>)
  serve                                   start the server (npm start)
  demo                                    start with a seeded demo académie (npm run demo)
  domain add NAME [--quota 50MB] | domain list | domain quota NAME SIZE
  account add --first P --last N [--password P] [--quota 50MB] [--title T] [--role user|helpdesk|admin] [--address A] [--domain D]
  account list [--domain D] [--search S] | account show ADDRESS
  alias add ADDRESS ALIAS
  quota set ADDRESS SIZE
  import FILE.csv [--domain D] [--quota SIZE]   columns: prénom;nom;fonction/établissement;adresse (facultative)
${extraCommands.map((c) => `  ${c.usage}`).join('\n')}`;

export class CliError extends Error {
  code = 'CLI_USAGE';
}

function fmtSize(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

async function withStore<T>(config: Config, fn: (s: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, listen: false });
  try {
    await createDomain(store, config.domain, parseSize(config.defaultQuota));
    return await fn(store);
  } finally {
    await store.close();
  }
}

export async function runCli(argv: string[], print: (s: string) => void = console.log): Promise<number> {
  const [cmd = 'serve', sub, ...rest] = argv;
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`Préau: ${e.message}`);
      return 2;
    }
    throw e;
  }
  try {
    switch (cmd) {
      case 'serve':
      case 'demo':
        await serve(config, { demo: cmd === 'demo' });
        return 0;
      case 'help':
      case '--help':
      case '-h':
        print(HELP);
        return 0;
      case 'domain':
        return await withStore(config, (s) => domainCmd(s, config, sub, rest, print));
      case 'account':
        return await withStore(config, (s) => accountCmd(s, config, sub, rest, print));
      case 'alias': {
        if (sub !== 'add' || rest.length !== 2) throw new CliError('usage: alias add ADDRESS ALIAS');
        const a = await withStore(config, (s) => addAlias(s, rest[0], rest[1]));
        print(a);
        return 0;
      }
      case 'quota': {
        if (sub !== 'set' || rest.length !== 2) throw new CliError('usage: quota set ADDRESS SIZE');
        await withStore(config, (s) => setAccountQuota(s, rest[0], parseSize(rest[1])));
        print(`${rest[0]}: ${fmtSize(parseSize(rest[1]))}`);
        return 0;
      }
      case 'import':
        return await withStore(config, (s) => importCmd(s, config, [sub, ...rest].filter((x) => x !== undefined), print));
      default: {
        const extra = extraCommands.find((c) => c.name === cmd);
        if (extra) return await extra.run(config, [sub, ...rest].filter((x) => x !== undefined), print);
        throw new CliError(`unknown command "${cmd}"\n${HELP}`);
      }
    }
  } catch (e) {
    if (e instanceof CliError || e instanceof AccountError || e instanceof ConfigError) {
      console.error(`Préau: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

async function domainCmd(s: Store, config: Config, sub: string | undefined, rest: string[], print: (s: string) => void): Promise<number> {
  if (sub === 'add') {
    const { values, positionals } = parseArgs({ args: rest, options: { quota: { type: 'string' } }, allowPositionals: true });
    if (positionals.length !== 1) throw new CliError('usage: domain add NAME [--quota 50MB]');
    await createDomain(s, positionals[0], parseSize(values.quota ?? config.defaultQuota));
    print(positionals[0].toLowerCase());
    return 0;
  }
  if (sub === 'list') {
    for (const d of await listDomains(s)) print(`${d.name}\t${fmtSize(d.defaultQuota)}`);
    return 0;
  }
  if (sub === 'quota' && rest.length === 2) {
    await setDomainQuota(s, rest[0], parseSize(rest[1]));
    print(`${rest[0]}: ${fmtSize(parseSize(rest[1]))}`);
    return 0;
  }
  throw new CliError('usage: domain add NAME [--quota SIZE] | domain list | domain quota NAME SIZE');
}

async function accountCmd(s: Store, config: Config, sub: string | undefined, rest: string[], print: (s: string) => void): Promise<number> {
  if (sub === 'add') {
    const { values } = parseArgs({
      args: rest,
      options: { first: { type: 'string' }, last: { type: 'string' }, password: { type: 'string' }, quota: { type: 'string' }, title: { type: 'string' }, role: { type: 'string' }, address: { type: 'string' }, domain: { type: 'string' } },
    });
    if (!values.first && !values.last) throw new CliError('usage: account add --first PRÉNOM --last NOM [--password P] [--quota 50MB]');
    if (values.role && !['user', 'helpdesk', 'admin'].includes(values.role)) throw new CliError('--role must be user, helpdesk or admin');
    const r = await createAccount(s, {
      domain: values.domain ?? config.domain,
      firstName: values.first ?? '',
      lastName: values.last ?? '',
      password: values.password,
      quotaBytes: values.quota ? parseSize(values.quota) : undefined,
      title: values.title,
      role: values.role as Role | undefined,
      address: values.address,
    });
    print(r.address);
    if (r.oneTimePassword) print(`mot de passe à usage unique / one-time password: ${r.oneTimePassword}`);
    return 0;
  }
  if (sub === 'list') {
    const { values } = parseArgs({ args: rest, options: { domain: { type: 'string' }, search: { type: 'string' } } });
    for (const a of await listAccounts(s, { domain: values.domain, search: values.search })) {
      print(`${a.address}\t${a.displayName}\t${a.role}\t${fmtSize(a.usedBytes)} / ${fmtSize(a.quotaBytes)}\t${a.title}`);
    }
    return 0;
  }
  if (sub === 'show' && rest.length === 1) {
    const a = await findAccountByAddress(s, rest[0]);
    if (!a) throw new AccountError('ACCOUNT_NOT_FOUND', `unknown account ${rest[0]}`);
    const addrs = await listAddresses(s, a.id);
    print(`address:   ${a.address}`);
    print(`name:      ${a.displayName}`);
    print(`title:     ${a.title}`);
    print(`role:      ${a.role}`);
    print(`status:    ${a.status}${a.mustChangePassword ? ' (must change password)' : ''}`);
    print(`quota:     ${fmtSize(a.usedBytes)} / ${fmtSize(a.quotaBytes)} (${Math.round((100 * a.usedBytes) / Math.max(1, a.quotaBytes))} %)`);
    print(`aliases:   ${addrs.filter((x) => x.kind === 'alias').map((x) => x.address).join(', ') || '-'}`);
    return 0;
  }
  throw new CliError('usage: account add … | account list | account show ADDRESS');
}

async function importCmd(s: Store, config: Config, args: string[], print: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { domain: { type: 'string' }, quota: { type: 'string' } }, allowPositionals: true });
  if (positionals.length !== 1) throw new CliError('usage: import FILE.csv [--domain D] [--quota SIZE]');
  let text: string;
  try {
    text = readFileSync(positionals[0], 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${positionals[0]}: ${(e as Error).message}`);
  }
  const lines = await importStaff(s, values.domain ?? config.domain, text, values.quota ? parseSize(values.quota) : undefined);
  let bad = 0;
  for (const l of lines) {
    if (l.ok) print(`ligne ${l.line}: ${l.address} — ${l.reason}${l.oneTimePassword ? ` — mot de passe à usage unique: ${l.oneTimePassword}` : ''}`);
    else {
      bad++;
      print(`ligne ${l.line}: REJETÉE / REJECTED — ${l.reason}`);
    }
  }
  print(`${lines.length - bad} compte(s) créé(s), ${bad} ligne(s) rejetée(s)`);
  return bad ? 1 : 0;
}
