import { describe, expect, it } from 'vitest';
import { costRows, scheduleRows, type ExecutionResult } from './types.js';

const r: ExecutionResult = {
  status: 'optimal',
  totalShares: 100,
  intervals: 2,
  schedule: [60, 40],
  continuous: [60.2, 39.8],
  cost: 50,
  continuousCost: 49.9,
  costPerShare: 0.5,
  baselines: { twap: { schedule: [50, 50], cost: 55, continuousCost: 55, withinCaps: true }, vwap: { schedule: [70, 30], cost: 52, continuousCost: 52, withinCaps: false } },
  improvementPct: { vsTwap: 9.09, vsVwap: 3.85 },
  shortfall: 0,
  info: { model: 'linear', solver: 'water_filling', solveTimeMs: 1, caps: [80, null], kkt: null },
};

describe('execution derivations', () => {
  it('joins schedule, baselines, volume and caps per bin', () => {
    expect(scheduleRows(r, [1000, 500])).toEqual([
      { bin: 0, volume: 1000, cap: 80, continuous: 60.2, schedule: 60, twap: 50, vwap: 70 },
      { bin: 1, volume: 500, cap: null, continuous: 39.8, schedule: 40, twap: 50, vwap: 30 },
    ]);
  });
  it('compares costs per share against the baselines', () => {
    const rows = costRows(r);
    expect(rows.map((x) => [x.strategy, x.costPerShare, x.improvementPct])).toEqual([
      ['optimal', 0.5, undefined],
      ['TWAP', 0.55, 9.09],
      ['VWAP', 0.52, 3.85],
    ]);
  });
});
