import { z } from 'zod';
import { parseOrThrow } from '@keel/core';
import type { Engine, EngineRegistry } from '../jobs/engine.js';

const FakeRequest = z.object({
  work: z.number().int().min(0).max(10_000),
  fail: z.enum(['none', 'throw', 'infeasible']).default('none'),
  items: z.array(z.number()).max(1000).default([]),
});
type FakeRequest = z.output<typeof FakeRequest>;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });

/** A stand-in engine: sleeps `work` ms in steps, reports progress, can fail on demand. */
export const fakeEngine: Engine<FakeRequest> = {
  kind: 'execution',
  parse: (body) => parseOrThrow(FakeRequest, body),
  size: (i) => i.work,
  asyncAbove: 500,
  async run(input, ctx) {
    for (let i = 0; i < 4; i++) {
      await sleep(input.work / 4, ctx.signal);
      ctx.progress(`step ${i + 1}/4`, { step: i + 1 });
    }
    if (input.fail === 'throw') throw new Error('engine exploded');
    return { outcome: input.fail === 'infeasible' ? 'infeasible' : 'solved', output: { sum: input.items.reduce((a, b) => a + b, 0), orders: [{ symbol: 'X', side: 'buy', shares: 3 }] } };
  },
  ordersCsv: (out) => `symbol,side,shares\n${(out as { orders: { symbol: string; side: string; shares: number }[] }).orders.map((o) => `${o.symbol},${o.side},${o.shares}`).join('\n')}\n`,
  openapi: { request: z.toJSONSchema(FakeRequest, { io: 'input' }), summary: 'fake' },
};

export const fakeEngines: EngineRegistry = { execution: fakeEngine as never };
