import { describe, expect, it } from 'vitest';
import { preparePortfolio } from './run-portfolio.js';
import { FX_DUST, roundBook } from './round.js';
import { microBook } from './test-support/micro-book.js';

describe('roundBook', () => {
  it('rounds FX to cents of the currency and drops what is below FX_DUST of NAV (solver noise, not an order)', () => {
    const prep = preparePortfolio(microBook(), {});
    const u = prep.universe;
    const book = (eurUsd: number) => ({ shares: Float64Array.from(u.instruments, (x) => x.shares0), conversions: [], fxTrades: new Map([['EUR', eurUsd]]) });
    // 1,000.004 USD of EUR at 1.10 → 909.09 EUR (cents), kept.
    const kept = roundBook(u, prep.qp.bounds, prep.conversions, book(1000.004));
    expect(kept.fxLocal.get('EUR')).toBe(909.09);
    expect(kept.book.fxTrades.get('EUR')).toBeCloseTo(909.09 * 1.1, 9);
    // Just under the dust threshold: no FX order at all (the old code wrote one for 0.01).
    const dust = roundBook(u, prep.qp.bounds, prep.conversions, book(0.9 * FX_DUST * u.nav));
    expect(Math.round(((0.9 * FX_DUST * u.nav) / 1.1) * 100) / 100).toBe(0.01); // cents alone would keep it
    expect(dust.fxLocal.size).toBe(0);
    expect(dust.book.fxTrades.size).toBe(0);
  });
});
