import type { Command } from './types.js';
import { benchCommand } from './bench.js';
import { keysCommand } from './keys.js';
import { serveCommand } from './serve.js';
import { versionCommand } from './version.js';

/** Every `keel` command, in the order `keel help` lists them. Add one line per command. */
export const commands: readonly Command[] = [serveCommand, keysCommand, versionCommand, benchCommand];
