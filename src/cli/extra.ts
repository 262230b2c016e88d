/** Commands contributed by other domains (queue, dns …), registered here so the CLI stays one table. */
import type { Config } from '../config/schema.ts';

export interface ExtraCommand {
  name: string;
  usage: string;
  run(config: Config, args: string[], print: (s: string) => void): Promise<number>;
}

export const extraCommands: ExtraCommand[] = [];
