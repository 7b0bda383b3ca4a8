import { describe, expect, it } from 'vitest';
import { InputError } from '@keel/solver-native/errors';
import { rotate } from './rotate.js';
import { SimulatedBroker } from './broker.js';
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

  it('a full cycle through the Broker interface: orders filled by the simulated broker reach the whole-share targets', async () => {
    const r = await rotate(request);
    const start: Record<string, number> = {};
    for (const u of request.universe) if (u.shares) start[u.symbol] = u.shares;
    const broker = new SimulatedBroker(0, { participation: 1 }, start);
    broker.setBar(request.universe.map((u) => ({ symbol: u.symbol, mid: u.price!, spreadBps: u.spreadBps ?? 0, volume: 1e9 })));
    const report = await broker.submit(r.orders);
    expect(report.unfilled).toEqual([]);
    const pos = await broker.positions();
    const nav = request.state!.nav!;
    for (const o of r.orders) {
      const u = request.universe.find((x) => x.symbol === o.symbol)!;
      expect(Math.abs((pos.get(o.symbol) ?? 0) - (r.targets[o.symbol]! * nav) / u.price!)).toBeLessThanOrEqual(0.5 + 1e-9);
    }
    // Cash moved by exactly the fills at mid ± half-spread.
    const flow = report.fills.reduce((a, f) => a - (f.side === 'buy' ? 1 : -1) * f.shares * f.price, 0);
    expect(await broker.cash()).toBeCloseTo(flow, 6);
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
