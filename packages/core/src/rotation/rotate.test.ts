import { describe, expect, it } from 'vitest';
import { InputError } from '@keel/solver-native/errors';
import { rotate } from './rotate.js';
import { sampleRotationRequest } from './sample-request.js';
import { REASON_CODES } from './types.js';

describe('rotate (greedy, end to end)', () => {
  const request = sampleRotationRequest({ names: 120 });

  it('runs the embedded sample: targets, reasons, a decision and whole-share orders that reach the targets', async () => {
    const r = await rotate(request);
    expect(r.engine).toBe('greedy');
    expect(Object.keys(r.targets)).toHaveLength(120);
    for (const c of r.changes) expect(REASON_CODES).toContain(c.reason);
    expect(r.decision.trade).toBe(true);
    expect(r.orders.length).toBeGreaterThan(0);
    // Each order moves the name to the whole-share position nearest its (banded) target.
    const nav = request.state!.nav!;
    const bySymbol = new Map(request.universe.map((u) => [u.symbol, u]));
    const held = new Set(r.decision.heldBack.map((h) => h.symbol));
    for (const o of r.orders) {
      const u = bySymbol.get(o.symbol)!;
      expect(Number.isInteger(o.shares) && o.shares > 0).toBe(true);
      expect(held.has(o.symbol)).toBe(false);
      const after = (u.shares ?? 0) + (o.side === 'buy' ? o.shares : -o.shares);
      const target = (r.targets[o.symbol]! * nav) / u.price!;
      expect(Math.abs(after - target)).toBeLessThanOrEqual(0.5 + 1e-9);
      expect(after * u.price!).toBeLessThanOrEqual(0.1 * nav + 1e-6); // per_name_cap never crossed
    }
    expect([...r.orders].map((o) => o.symbol)).toEqual([...r.orders].map((o) => o.symbol).sort());
  });

  it('halts on the kill switch: a decision, no orders', async () => {
    const r = await rotate({ ...request, state: { ...request.state, killSwitch: true } });
    expect(r.decision).toMatchObject({ trade: false, reasons: ['kill_switch'] });
    expect(r.orders).toEqual([]);
  });

  it('bad input fails before any work with the JSON path', async () => {
    await expect(rotate({ ...request, config: { ...request.config, K_buy: 30 } })).rejects.toThrow(InputError);
    await expect(rotate({ ...request, config: { ...request.config, K_buy: 30 } })).rejects.toThrow(/config\.K_buy/);
  });
});
