import type { Command } from './types.js';
import { allocateCommand } from './allocate.js';
import { benchCommand } from './bench.js';
import { keysCommand } from './keys.js';
import { mcpCommand } from './mcp.js';
import { serveCommand } from './serve.js';
import { versionCommand } from './version.js';
import { rotateCommand } from './rotate.js';
import { replayCommand } from './replay.js';
import { qpCommand } from './qp.js';
import { scheduleCommand } from './schedule.js';
import { optimizeCommand } from './optimize.js';

/** Every `keel` command, in the order `keel help` lists them. Add one line per command. */
export const commands: readonly Command[] = [allocateCommand, serveCommand, mcpCommand, keysCommand, versionCommand, benchCommand, rotateCommand, replayCommand, qpCommand, scheduleCommand, optimizeCommand];
