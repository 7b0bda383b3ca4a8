import { describe, expect, it } from 'vitest';
import { buildAllocationModel } from '../model.js';
import { parseAllocationRequest } from '../parse.js';
import { generateAllocationBook } from '../sample/index.js';
import { buildScenarioSet } from '../scenario-set.js';
import type { AllocationRequestInput } from '../schema.js';
import { DEFAULT_BUCKETING, buildBuckets, mismatchMatrix } from './buckets.js';

function book(trades: { sec: string; side: 'buy' | 'sell'; q: number }[]): AllocationRequestInput {
  const secs = [
    { id: 'UST2', type: 'government' as const, price: 100, accrued: 0, dv01: 0.02, duration: 2 },
    { id: 'UST10', type: 'government' as const, price: 100, accrued: 0, dv01: 0.08, duration: 8 },
    { id: 'UST10B', type: 'government' as const, price: 100, accrued: 0, dv01: 0.081, duration: 8.1 },
    { id: 'UST2B', type: 'government' as const, price: 100, accrued: 0, dv01: 0.021, duration: 2.1 },
    { id: 'CORP5', type: 'corporate' as const, price: 100, accrued: 0, dv01: 0.045, duration: 4.5 },
  ];
  return {
    securities: secs,
    trades: trades.map((t, i) => ({ id: `T${i}`, side: t.side, security: t.sec, quantity: t.q })),
    accounts: [{ id: 'A', cash: 1e8 }, { id: 'B', cash: 1e8 }],
    // Rates move every government bond together; 2y and 10y by duration.
    scenarios: { returns: [[-0.002, -0.008, -0.0081, -0.0021, 0.001], [0.003, 0.012, 0.0121, 0.0031, -0.004], [0.001, 0.004, 0.0041, 0.001, 0.002]] },
    objective: { terms: [] },
  };
}

const bucketsOf = (input: AllocationRequestInput) => {
  const req = parseAllocationRequest(input);
  return buildBuckets(buildAllocationModel(req), buildScenarioSet(req));
};

describe('buildBuckets', () => {
  it('pairs same-security buys and sells by the closest quantity', () => {
    const b = bucketsOf(
      book([
        { sec: 'UST10', side: 'buy', q: 5e6 },
        { sec: 'UST10', side: 'sell', q: 9e6 },
        { sec: 'UST10', side: 'sell', q: 4e6 },
        { sec: 'CORP5', side: 'buy', q: 1e6 },
      ]),
    );
    expect(b.buckets.filter((x) => x.kind === 'same-security').map((x) => x.trades)).toEqual([[0, 2]]);
    expect(b.stats.sameSecurity).toBe(1);
  });

  it('matches residual longs and shorts with similar risk, and leaves poor hedges alone', () => {
    const b = bucketsOf(
      book([
        { sec: 'UST2', side: 'buy', q: 10e6 },
        { sec: 'UST10', side: 'buy', q: 5e6 },
        { sec: 'UST10B', side: 'sell', q: 5e6 },
        { sec: 'UST2B', side: 'sell', q: 10e6 },
        { sec: 'CORP5', side: 'sell', q: 50e6 },
      ]),
    );
    const matched = b.buckets.filter((x) => x.kind === 'matched').map((x) => x.trades);
    expect(matched).toEqual([
      [0, 3],
      [1, 2],
    ]);
    expect(b.buckets.find((x) => x.trades.includes(4))?.kind).toBe('single');
    // Every trade is in exactly one bucket; pairs move whole.
    expect(b.buckets.flatMap((x) => x.trades).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(b.groups.every((g) => g.trades.length === 1 || g.units === 1)).toBe(true);
  });

  it('the residual matching minimises total mismatch (+θ per unmatched pair) like an enumeration', () => {
    let pairsSeen = 0;
    for (const seed of [1, 2, 3, 4]) {
      const req = parseAllocationRequest(generateAllocationBook({ trades: 12, accounts: 2, scenarios: 30, constraintsPerAccount: 0, seed, securities: 12 }));
      const model = buildAllocationModel(req);
      const sc = buildScenarioSet(req);
      const b = buildBuckets(model, sc);
      const paired = new Set(b.buckets.filter((x) => x.kind === 'same-security').flatMap((x) => x.trades));
      const longs: number[] = [];
      const shorts: number[] = [];
      for (let t = 0; t < model.nTrade; t++) if (!paired.has(t)) (model.tradeSign[t]! > 0 ? longs : shorts).push(t);
      const C = mismatchMatrix(model, sc, longs, shorts, DEFAULT_BUCKETING);
      const theta = DEFAULT_BUCKETING.threshold;
      // Enumerate partial matchings: each long takes a distinct short or none.
      let best = Infinity;
      const used = new Array<boolean>(shorts.length).fill(false);
      const rec = (i: number, acc: number, pairs: number) => {
        if (i === longs.length) {
          const unmatched = longs.length + shorts.length - 2 * pairs;
          best = Math.min(best, acc + (theta / 2) * unmatched);
          return;
        }
        rec(i + 1, acc, pairs);
        for (let j = 0; j < shorts.length; j++) {
          if (used[j]) continue;
          used[j] = true;
          rec(i + 1, acc + C[i * shorts.length + j]!, pairs + 1);
          used[j] = false;
        }
      };
      rec(0, 0, 0);
      const matched = b.buckets.filter((x) => x.kind === 'matched');
      pairsSeen += matched.length;
      const got = b.stats.mismatch + (theta / 2) * (longs.length + shorts.length - 2 * matched.length);
      expect(got).toBeCloseTo(best, 9);
    }
    expect(pairsSeen).toBeGreaterThan(0);
  });
});
