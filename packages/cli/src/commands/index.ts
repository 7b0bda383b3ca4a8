import type { Command } from './types.js';
import { allocateCommand } from './allocate.js';
import { optimizeCommand } from './optimize.js';
import { scheduleCommand } from './schedule.js';
import { rotateCommand } from './rotate.js';
import { replayCommand } from './replay.js';
import { qpCommand } from './qp.js';
import { benchCommand } from './bench.js';
import { serveCommand } from './serve.js';
import { mcpCommand } from './mcp.js';
import { keysCommand } from './keys.js';
import { versionCommand } from './version.js';

/**
 * Every `keel` command, in the order `keel help` lists them: the engines (allocation, portfolio,
 * execution, rotation), the QP solver and benchmarks, then the server and admin. One line each.
 */
export const commands: readonly Command[] = [
  allocateCommand,
  optimizeCommand,
  scheduleCommand,
  rotateCommand,
  replayCommand,
  qpCommand,
  benchCommand,
  serveCommand,
  mcpCommand,
  keysCommand,
  versionCommand,
];
