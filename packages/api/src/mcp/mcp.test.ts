import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryRunStore } from '../store/memory.js';
import type { RunStore } from '../store/types.js';
import { createKeelMcpServer } from './server.js';
import { storeSource } from './source.js';

let store: RunStore;
afterEach(async () => store.close());

async function connect() {
  store = createMemoryRunStore();
  const server = createKeelMcpServer(storeSource(store));
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(a);
  const client = new Client({ name: 'test', version: '0' });
  await client.connect(b);
  return client;
}
const textOf = (r: unknown) => ((r as { content: { text: string }[] }).content[0]?.text ?? '');

async function finished(id: string, kind: 'allocation' | 'execution', outcome: string, output: unknown) {
  await store.create({ id, kind, inputHash: 'h'.repeat(64), version: 't', input: {} });
  await store.transition(id, 'running', 'running');
  await store.transition(id, 'succeeded', 'done', { outcome, output, timings: { queueMs: 1, runMs: 12 } });
}

describe('MCP server', () => {
  it('lists its tools and runs', async () => {
    const client = await connect();
    const tools = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(tools).toEqual(['binding_constraints', 'data_quality', 'explain_infeasibility', 'get_run_diagnostics', 'list_runs']);
    await finished('r1', 'execution', 'optimal', { status: 'optimal' });
    const res = await client.callTool({ name: 'list_runs', arguments: {} });
    expect(textOf(res)).toContain('r1');
    const d = await client.callTool({ name: 'get_run_diagnostics', arguments: { id: 'r1' } });
    expect(textOf(d)).toMatch(/execution run r1: succeeded \(optimal\)/);
    expect(textOf(await client.callTool({ name: 'get_run_diagnostics', arguments: { id: 'nope' } }))).toContain('no run');
  });

  it('explains an infeasible allocation by its smallest relaxations, and finds binding constraints', async () => {
    const client = await connect();
    await finished('a1', 'allocation', 'infeasible', {
      status: 'infeasible',
      compliance: [
        { account: 'PB-A', constraint: 'lev', op: '<=', limit: 4, worst: 4.2, worstScenario: 17, headroom: -0.05, pass: false },
        { account: 'PB-B', constraint: 'cash', op: '>=', limit: 0, worst: 10, worstScenario: 3, headroom: 0.5, pass: true },
      ],
      diagnostics: { relaxations: [{ account: 'PB-A', constraint: 'lev', op: '<=', limit: 4, relaxation: 0.2, relaxedLimit: 4.2 }] },
    });
    const e = textOf(await client.callTool({ name: 'explain_infeasibility', arguments: { id: 'a1' } }));
    expect(e).toContain('1 constraint(s) must be relaxed');
    expect(e).toContain('relax PB-A/lev <= 4 → 4.2');
    const b = textOf(await client.callTool({ name: 'binding_constraints', arguments: { id: 'a1', tolerance: 0.01 } }));
    expect(b).toContain('PB-A/lev');
    expect(b).not.toContain('PB-B/cash');
  });

  it('rejects bad tool arguments', async () => {
    const client = await connect();
    const r = await client.callTool({ name: 'list_runs', arguments: { limit: 0 } });
    expect((r as { isError?: boolean }).isError).toBe(true);
  });
});
