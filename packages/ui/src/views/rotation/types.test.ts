import { describe, expect, it } from 'vitest';
import { cumulative, rankedUniverse, readReplaySide, type RotationResult } from './types.js';

describe('rotation derivations', () => {
  const result: RotationResult = {
    engine: 'greedy',
    targets: { A: 0.5, B: 0, C: 0.5 },
    changes: [
      { symbol: 'B', from: 0.5, to: 0, reason: 'cut_rank', rank: 3 },
      { symbol: 'C', from: 0, to: 0.5, reason: 'buy_top_rank', rank: 1 },
    ],
    orders: [{ symbol: 'C', side: 'buy', shares: 100 }],
    decision: { trade: true, reasons: ['portfolio_drift'], portfolioDrift: 1, maxNameDrift: 0.5, heldBack: [] },
    info: {},
  };
  it('ranks by z and joins targets, reasons and orders', () => {
    const rows = rankedUniverse(
      [
        { symbol: 'A', z: 1, weight: 0.5 },
        { symbol: 'B', z: -1, weight: 0.5 },
        { symbol: 'C', z: 2 },
      ],
      result,
    );
    expect(rows.map((r) => [r.rank, r.symbol, r.delta, r.reason, r.side])).toEqual([
      [1, 'C', 0.5, 'buy_top_rank', 'buy'],
      [2, 'A', 0, undefined, undefined],
      [3, 'B', -0.5, 'cut_rank', undefined],
    ]);
  });
  it('reads per-bar turnover in any of the accepted shapes', () => {
    expect(readReplaySide({ turnover: 2, perBar: [{ minute: 5, turnover: 0.5 }] })?.series).toEqual([{ minute: 5, turnover: 0.5 }]);
    expect(readReplaySide({ turnover: 2, startNav: 100, cycles: [{ minute: 5, tradedNotional: 50 }] })?.series).toEqual([{ minute: 5, turnover: 0.5 }]);
    expect(readReplaySide({ turnover: 2, turnoverPerBar: [0.1, 0.2] })?.series).toEqual([{ minute: 0, turnover: 0.1 }, { minute: 1, turnover: 0.2 }]);
    expect(readReplaySide(null)).toBeUndefined();
    expect(cumulative([{ minute: 0, turnover: 0.1 }, { minute: 1, turnover: 0.2 }]).map((x) => +x.toFixed(6))).toEqual([0.1, 0.3]);
  });
});
