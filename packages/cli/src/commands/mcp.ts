import { join, resolve } from 'node:path';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { InputError } from '@keel/core';
import { clientSource, createKeelClient, createKeelMcpServer, openDuckDbRunStore, storeSource, type RunSource } from '@keel/api';
import { parseCommandArgs } from '../args.js';
import type { Command } from './types.js';

/**
 * `keel mcp`: an MCP server on stdio with read-only diagnostic tools over the run store. With
 * `--api` it reads a running server over HTTP (the server holds the store file open); otherwise
 * it opens the store file read-only.
 */
export const mcpCommand: Command = {
  name: 'mcp',
  summary: 'MCP server (stdio) with diagnostic tools over the run store',
  usage: 'keel mcp [--data DIR | --api http://127.0.0.1:8787 [--key KEY]]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      data: { type: 'string', default: 'data' },
      api: { type: 'string' },
      key: { type: 'string' },
    });
    let source: RunSource;
    let close = async () => {};
    if (values.api) {
      let url: URL;
      try {
        url = new URL(String(values.api));
      } catch {
        throw new InputError({ path: '--api', message: 'must be a URL such as http://127.0.0.1:8787' });
      }
      const key = (values.key as string | undefined) ?? process.env.KEEL_API_KEY;
      source = clientSource(createKeelClient({ baseUrl: url.origin, ...(key ? { apiKey: key } : {}) }));
    } else {
      const path = join(resolve(io.cwd, String(values.data)), 'keel.duckdb');
      try {
        const store = await openDuckDbRunStore({ path, readOnly: true });
        source = storeSource(store);
        close = () => store.close();
      } catch (e) {
        throw new InputError({
          path: '--data',
          message: `cannot open ${path} read-only (${(e as Error).message.split('\n')[0]}); if a server is running, use --api`,
        });
      }
    }
    const server = createKeelMcpServer(source);
    await server.connect(new StdioServerTransport());
    io.err('keel mcp: serving on stdio\n');
    await new Promise<void>((done) => {
      process.stdin.once('end', done);
      process.stdin.once('close', done);
    });
    await close();
    return 0;
  },
};
