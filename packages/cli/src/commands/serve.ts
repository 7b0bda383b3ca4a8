import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '@keel/core';
import { startServer } from '@keel/api';
import { parseCommandArgs } from '../args.js';
import type { Command } from './types.js';

/** The built UI beside this package in the workspace, or KEEL_UI_DIR. */
export function defaultUiDir(): string | undefined {
  const fromEnv = process.env.KEEL_UI_DIR;
  if (fromEnv) return fromEnv;
  const dir = fileURLToPath(new URL('../../../ui/dist', import.meta.url));
  return existsSync(dir) ? dir : undefined;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'start the HTTP API (and the UI when built) on the embedded engines',
  usage: 'keel serve [--port 8787] [--host 127.0.0.1] [--data DIR] [--no-ui] [--inline]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string', default: 'data' },
      'no-ui': { type: 'boolean', default: false },
      inline: { type: 'boolean', default: false },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError({ path: '--port', message: 'must be an integer from 0 to 65535' });
    const uiDir = values['no-ui'] ? undefined : defaultUiDir();
    let server;
    try {
      server = await startServer({
        host: String(values.host),
        port,
        dataDir: resolve(io.cwd, String(values.data)),
        ...(uiDir ? { uiDir } : {}),
        runner: values.inline ? 'inline' : 'workers',
        log: (l) => io.err(`${l}\n`),
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EADDRINUSE') throw new InputError({ path: '--port', message: `port ${port} is in use` });
      if (/refusing to listen/.test(err.message)) throw new InputError({ path: '--host', message: err.message });
      throw e;
    }
    io.out(`${server.url}\n`);
    await new Promise<void>((done) => {
      const stop = () => {
        io.err('keel: shutting down (finishing running jobs)…\n');
        void server.close().then(done);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
