/** Configuration loader: defaults < config file (PREAU_CONFIG or <dataDir>/preau.json) < environment. */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema, envName, type Config, type ConfigInput } from './schema.ts';

export class ConfigError extends Error {
  code = 'CONFIG_INVALID';
}

/** Parse sizes such as "50MB", "1.5 Go", "1024" into bytes. */
export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(s.trim());
  if (!m) throw new ConfigError(`invalid size: ${s}`);
  const unit = m[2].toLowerCase();
  const mult: Record<string, number> = { '': 1, b: 1, o: 1, k: 1024, kb: 1024, ko: 1024, m: 1024 ** 2, mb: 1024 ** 2, mo: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, go: 1024 ** 3 };
  if (!(unit in mult)) throw new ConfigError(`invalid size unit: ${s}`);
  return Math.round(Number(m[1]) * mult[unit]);
}

/** Build the configuration. `overrides` win over everything (tests use it). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigInput = {}): Config {
  const raw: Record<string, unknown> = {};
  const keys = Object.keys(configSchema.shape);
  const file = env.PREAU_CONFIG;
  if (file) {
    if (!existsSync(file)) throw new ConfigError(`PREAU_CONFIG: file not found: ${file}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ConfigError(`PREAU_CONFIG: ${file} is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError(`PREAU_CONFIG: ${file} must hold a JSON object`);
    Object.assign(raw, parsed);
  }
  const known = new Set(keys.map(envName));
  for (const [k, v] of Object.entries(env)) {
    if (!k.startsWith('PREAU_') || k === 'PREAU_CONFIG' || k.startsWith('PREAU_TEST')) continue;
    if (!known.has(k)) throw new ConfigError(`unknown setting ${k} (known: ${[...known].sort().join(', ')})`);
    const key = keys.find((x) => envName(x) === k)!;
    if (v !== undefined && v !== '') raw[key] = v;
  }
  Object.assign(raw, overrides);
  const r = configSchema.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map((i) => {
      const key = i.path.join('.');
      const name = key ? `${envName(key)} (${key})` : 'configuration';
      return `  ${name}: ${i.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = r.data;
  const hostname = c.hostname ?? `mail.${c.domain}`;
  const publicUrl = c.publicUrl ?? `http://${c.listen === '0.0.0.0' ? 'localhost' : c.listen}:${c.httpPort}`;
  return { ...c, hostname, publicUrl, dataDir: c.dataDir };
}

export function dataPath(config: Config, ...parts: string[]): string {
  return join(config.dataDir, ...parts);
}
