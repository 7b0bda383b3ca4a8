import { describe, expect, it } from 'vitest';
import { solveGreedyRotation } from './greedy.js';
import { REASON_CODES, type RotationChange } from './types.js';
import { configOf, nameOf, randomUniverse } from './test-support/universe.js';
import { createMulberry32Rng } from '../random/index.js';
import { sectorCapOf } from './config.js';

const band = { K: 3, K_buy: 2, K_sell: 4, budget: 0.9, max_net_exposure: 1, per_name_cap: 0.5, sector_cap: 1, z_keep: 0.8, z_cut: 0.2, delta_z_min: 0.25 };
const byName = (changes: readonly RotationChange[]) => Object.fromEntries(changes.map((c) => [c.symbol, c]));

describe('greedy rotation: one hand-built case per rule', () => {
  it('buys only names ranked within K_buy with z above z_keep (buy_top_rank), sized budget / K', () => {
    const u = [nameOf({ symbol: 'A', z: 3 }), nameOf({ symbol: 'B', z: 2 }), nameOf({ symbol: 'C', z: 1.5 }), nameOf({ symbol: 'D', z: 0.5 })];
    const r = solveGreedyRotation(u, configOf(band));
    expect(r.changes).toEqual([
      { symbol: 'A', from: 0, to: 0.3, reason: 'buy_top_rank', rank: 1 },
      { symbol: 'B', from: 0, to: 0.3, reason: 'buy_top_rank', rank: 2 },
    ]);
    expect(r.info.slotWeight).toBeCloseTo(0.3, 15);
  });

  it('does not buy below z_keep even at the top rank', () => {
    const u = [nameOf({ symbol: 'A', z: 0.79 }), nameOf({ symbol: 'B', z: 0.5 })];
    expect(solveGreedyRotation(u, configOf(band)).changes).toEqual([]);
  });

  it('keeps a hold ranked in (K, K_sell] (hold_in_band) and cuts one beyond K_sell (cut_rank)', () => {
    const u = [
      nameOf({ symbol: 'A', z: 5, weight: 0.3 }),
      nameOf({ symbol: 'B', z: 4, weight: 0.3 }),
      nameOf({ symbol: 'C', z: 3 }),
      nameOf({ symbol: 'D', z: 2, weight: 0.3 }), // rank 4 = K_sell: kept
      nameOf({ symbol: 'E', z: 1.9 }),
      nameOf({ symbol: 'F', z: 1.8, weight: 0.1 }), // rank 6 > K_sell: cut
    ];
    const c = byName(solveGreedyRotation(u, configOf(band)).changes);
    expect(c.D).toMatchObject({ reason: 'hold_in_band', from: 0.3, to: 0.3, rank: 4 });
    expect(c.F).toMatchObject({ reason: 'cut_rank', from: 0.1, to: 0, rank: 6 });
    // C (rank 3) is not bought: the book is full (A, B, D) and C is outside K_buy anyway.
    expect(c.C).toBeUndefined();
  });

  it('cuts a low performer whatever its rank (cut_low_score)', () => {
    const u = [nameOf({ symbol: 'A', z: 0.1, weight: 0.3 }), nameOf({ symbol: 'B', z: 0.05 })];
    expect(solveGreedyRotation(u, configOf(band)).changes).toEqual([{ symbol: 'A', from: 0.3, to: 0, reason: 'cut_low_score', rank: 1 }]);
  });

  it('rotates the worst hold beyond K into a better name when the gain clears delta_z_min and τ_U', () => {
    const cfg = { ...band, K: 2, K_buy: 1, K_sell: 4 };
    const mk = (zNew: number) => [
      nameOf({ symbol: 'NEW', z: zNew, cost: 0.001 }),
      nameOf({ symbol: 'A', z: 1.6, weight: 0.45 }),
      nameOf({ symbol: 'B', z: 1.5, weight: 0.45, cost: 0.001 }), // rank 3 > K = 2: may be rotated out
    ];
    const r = byName(solveGreedyRotation(mk(1.8), configOf(cfg)).changes);
    expect(r.NEW).toMatchObject({ reason: 'rotate_utility', pair: 'B', to: 0.45 });
    expect(r.B).toMatchObject({ reason: 'rotate_utility', pair: 'NEW', to: 0 });
    expect(r.B!.utility).toBeCloseTo(0.3 - 0.05 * 0.002, 12);
    // A gain of 0.2 < delta_z_min: B stays, in band.
    const kept = byName(solveGreedyRotation(mk(1.7), configOf(cfg)).changes);
    expect(kept.NEW).toBeUndefined();
    expect(kept.B).toMatchObject({ reason: 'hold_in_band', to: 0.45 });
    // A high τ_U blocks the rotation too.
    expect(byName(solveGreedyRotation(mk(1.8), configOf({ ...cfg, tau_utility: 0.5 })).changes).NEW).toBeUndefined();
  });

  it('stops out a long at reference − k_ATR · ATR (stop_atr), trailing the high', () => {
    const hold = { symbol: 'A', z: 3, weight: 0.3, atr: 2, entryPrice: 100 };
    const cfg = configOf({ ...band, k_ATR: 1.2 });
    expect(solveGreedyRotation([nameOf({ ...hold, price: 97.6 })], cfg).changes[0]).toMatchObject({ reason: 'stop_atr', to: 0 });
    expect(solveGreedyRotation([nameOf({ ...hold, price: 97.7 })], cfg).changes[0]?.reason).not.toBe('stop_atr');
    expect(solveGreedyRotation([nameOf({ ...hold, price: 105, highPrice: 108 })], cfg).changes[0]).toMatchObject({ reason: 'stop_atr' });
  });

  it('cuts dead money after Tmax_min without progress (timeout)', () => {
    const hold = { symbol: 'A', z: 3, weight: 0.3, atr: 2, entryPrice: 100, price: 100.5 };
    const cfg = configOf({ ...band, Tmax_min: 120, min_progress_atr: 0.5 });
    expect(solveGreedyRotation([nameOf({ ...hold, heldMinutes: 121 })], cfg).changes[0]).toMatchObject({ reason: 'timeout', to: 0 });
    expect(solveGreedyRotation([nameOf({ ...hold, heldMinutes: 120 })], cfg).changes[0]?.reason).not.toBe('timeout');
    // One ATR × 0.5 of progress keeps it.
    expect(solveGreedyRotation([nameOf({ ...hold, price: 101, heldMinutes: 500 })], cfg).changes[0]?.reason).not.toBe('timeout');
  });

  it('records blocked trades: restricted, liquidity, cooldown, sector', () => {
    const cfg = configOf({ ...band, K: 5, K_buy: 5, K_sell: 6, budget: 1, sector_cap: 0.25, max_adv_participation: 0.01 });
    const u = [
      nameOf({ symbol: 'R', z: 5, restricted: true }),
      nameOf({ symbol: 'L', z: 4, adv: 1e6 }), // 0.2 × 1e8 = 2e7 > 1% of 1e6
      nameOf({ symbol: 'C', z: 3, cooldownMinutes: 10 }),
      nameOf({ symbol: 'S1', z: 2, sector: 'X' }),
      nameOf({ symbol: 'S2', z: 1.9, sector: 'X' }), // slot 0.2 + 0.2 > 0.25
      nameOf({ symbol: 'Q', z: 0.1, weight: 0.2, restricted: true }), // wants a cut, restricted
    ];
    const c = byName(solveGreedyRotation(u, cfg, { nav: 1e8 }).changes);
    expect(c.R?.reason).toBe('blocked_restricted');
    expect(c.L?.reason).toBe('blocked_liquidity');
    expect(c.C?.reason).toBe('blocked_cooldown');
    expect(c.S1).toMatchObject({ reason: 'buy_top_rank', to: 0.2 });
    expect(c.S2?.reason).toBe('blocked_sector');
    expect(c.Q).toMatchObject({ reason: 'blocked_restricted', from: 0.2, to: 0.2 });
    for (const s of ['R', 'L', 'C', 'S2']) expect(c[s]).toMatchObject({ from: 0, to: 0 });
  });

  it('closes shorts, sheds an oversized book worst first, trims a sector over its cap', () => {
    const cfg = configOf({ ...band, K: 2, K_buy: 2, K_sell: 5, budget: 0.6, sector_cap: 0.4 });
    const u = [
      nameOf({ symbol: 'A', z: 3, weight: 0.2, sector: 'X' }),
      nameOf({ symbol: 'B', z: 2.5, weight: 0.2, sector: 'X' }),
      nameOf({ symbol: 'C', z: 2, weight: 0.2 }),
      nameOf({ symbol: 'D', z: 1, weight: -0.1 }),
    ];
    const c = byName(solveGreedyRotation(u, cfg).changes);
    expect(c.D).toMatchObject({ reason: 'close_short', to: 0 });
    expect(c.C).toMatchObject({ reason: 'cut_excess', to: 0 });
    // slot 0.3: A and B would hold 0.6 > 0.4 in sector X → scaled to 0.2 each.
    expect(c.A).toMatchObject({ reason: 'trim_cap' });
    expect(c.A!.to).toBeCloseTo(0.2, 12);
    expect(c.B!.to).toBeCloseTo(0.2, 12);
  });

  it('breaks ties in z by symbol', () => {
    const cfg = configOf({ ...band, K: 1, K_buy: 1, K_sell: 1 });
    const u = [nameOf({ symbol: 'B', z: 2 }), nameOf({ symbol: 'A', z: 2 })];
    expect(solveGreedyRotation(u, cfg).changes).toEqual([{ symbol: 'A', from: 0, to: 0.5, reason: 'buy_top_rank', rank: 1 }]);
  });
});

function randomCase(seed: number) {
  const rng = createMulberry32Rng(seed * 7919);
  const K = rng.int(3, 25);
  const K_buy = rng.int(1, K + 1);
  const K_sell = K + rng.int(0, 10);
  const n = rng.int(K_sell, 200);
  const cfg = configOf({
    K,
    K_buy,
    K_sell,
    budget: 1,
    max_net_exposure: 1,
    per_name_cap: 0.12,
    sector_cap: 0.25 + rng.next() * 0.3,
    delta_z_min: rng.next() * 0.5,
    tau_utility: rng.next() * 0.2,
    gamma_cost: 0.05,
  });
  const universe = randomUniverse(seed, { n, K, held: rng.int(0, K + 1), sectors: rng.int(2, 8), ties: seed % 3 === 0 });
  return { K, K_buy, K_sell, cfg, universe, r: solveGreedyRotation(universe, cfg) };
}

describe('greedy rotation: properties on seeded random universes', () => {
  const cases = Array.from({ length: 60 }, (_, s) => s + 1);

  it('the random universes exercise the rules (the properties below are not vacuous)', () => {
    const seen = new Map<string, number>();
    for (const seed of cases) for (const c of randomCase(seed).r.changes) seen.set(c.reason, (seen.get(c.reason) ?? 0) + 1);
    for (const reason of ['buy_top_rank', 'rotate_utility', 'hold_in_band', 'cut_rank', 'cut_low_score', 'rebalance', 'blocked_sector']) {
      expect(seen.get(reason) ?? 0, reason).toBeGreaterThan(0);
    }
  });

  it.each(cases)('seed %i: reasons on every change, band respected, caps hold, order-independent', (seed) => {
    const { K, K_buy, K_sell, cfg, universe, r } = randomCase(seed);
    const order = [...universe.keys()].sort((a, b) => universe[b]!.z - universe[a]!.z || (universe[a]!.symbol < universe[b]!.symbol ? -1 : 1));
    const rank = new Map(order.map((i, k) => [universe[i]!.symbol, k + 1]));
    const change = byName(r.changes);

    universe.forEach((u, i) => {
      const to = r.targets[i]!;
      if (Math.abs(to - u.weight) > 1e-15) {
        // Every change carries a reason code.
        expect(change[u.symbol], u.symbol).toBeDefined();
        expect(REASON_CODES).toContain(change[u.symbol]!.reason);
      }
      const rk = rank.get(u.symbol)!;
      if (u.weight > 0 && to === 0) {
        const c = change[u.symbol]!;
        // No hold ranked in (K_buy, K_sell] is sold for its rank alone.
        if (rk <= K_sell) expect(['cut_low_score', 'rotate_utility', 'stop_atr', 'timeout', 'trim_cap']).toContain(c.reason);
        if (c.reason === 'cut_rank') expect(rk).toBeGreaterThan(K_sell);
        if (c.reason === 'cut_low_score') expect(u.z).toBeLessThan(cfg.z_cut);
        if (c.reason === 'rotate_utility') {
          const other = universe.find((x) => x.symbol === c.pair)!;
          expect(other.z - u.z).toBeGreaterThanOrEqual(cfg.delta_z_min);
          expect(c.utility!).toBeGreaterThan(cfg.tau_utility);
          expect(rk).toBeGreaterThan(K);
        }
      }
      if (u.weight === 0 && to > 0) {
        expect(rk).toBeLessThanOrEqual(K_buy);
        expect(u.z).toBeGreaterThan(cfg.z_keep);
      }
      // Caps.
      expect(to).toBeGreaterThanOrEqual(0);
      expect(to).toBeLessThanOrEqual(cfg.per_name_cap + 1e-12);
    });
    const sectorSum = new Map<string, number>();
    let total = 0;
    let held = 0;
    universe.forEach((u, i) => {
      total += r.targets[i]!;
      if (r.targets[i]! > 0) held++;
      sectorSum.set(u.sector!, (sectorSum.get(u.sector!) ?? 0) + r.targets[i]!);
    });
    for (const [s, v] of sectorSum) expect(v, s).toBeLessThanOrEqual(sectorCapOf(cfg, s) + 1e-12);
    expect(total).toBeLessThanOrEqual(1 + 1e-12);
    expect(held).toBeLessThanOrEqual(K);
    expect(r.info.capBreaches).toEqual([]);

    // Deterministic and independent of input order.
    const shuffled = [...universe].reverse();
    const r2 = solveGreedyRotation(shuffled, cfg);
    expect(r2.changes).toEqual(r.changes);
  });
});
