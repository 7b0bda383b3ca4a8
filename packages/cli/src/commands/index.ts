import type { Command } from './types.js';
import { versionCommand } from './version.js';

/** Every `keel` command, in the order `keel help` lists them. Add one line per command. */
export const commands: readonly Command[] = [versionCommand];
