import { describe, expect, it } from 'vitest';
import { InputError } from '@keel/solver-native/errors';
import { ordersFromTargets } from './orders-from-targets.js';
import { formatFxCsv, formatOmsCsv } from './csv.js';

const issuesOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e.issues.map((i) => i.path);
    throw e;
  }
  throw new Error('expected an InputError');
};

describe('ordersFromTargets', () => {
  it('turns weights, NAV and prices into whole-share orders sorted by symbol', () => {
    const r = ordersFromTargets({
      nav: 1_000_000,
      targets: [
        { symbol: 'MSFT', price: 400, currentShares: 0, targetWeight: 0.1 }, // 250 shares
        { symbol: 'AAPL', price: 190, currentShares: 600, targetWeight: 0.05 }, // 263.16 → 263
        { symbol: 'IBM', price: 150, currentShares: 100, targetWeight: 0.015 }, // exactly 100: no order
        { symbol: 'TSLA', price: 250, currentShares: 0, targetWeight: -0.02 }, // short 80
      ],
    });
    expect(r.orders).toEqual([
      { symbol: 'AAPL', side: 'sell', shares: 337 },
      { symbol: 'MSFT', side: 'buy', shares: 250 },
      { symbol: 'TSLA', side: 'sell', shares: 80 },
    ]);
    expect(r.rows.map((x) => x.symbol)).toEqual(['AAPL', 'IBM', 'MSFT', 'TSLA']);
    for (const row of r.rows) {
      expect(Number.isInteger(row.finalShares)).toBe(true);
      expect(Math.abs(row.finalShares - row.targetShares)).toBeLessThanOrEqual(0.5);
    }
  });

  it('accepts notionals and shares and breaks exact halves toward the smaller trade', () => {
    const r = ordersFromTargets({
      targets: [
        { symbol: 'A', price: 10, currentShares: 0, targetNotional: 105 }, // 10.5 → 10
        { symbol: 'B', price: 10, currentShares: 20, targetShares: 10.5 }, // 10.5 → 11
      ],
    });
    expect(r.rows.map((x) => x.finalShares)).toEqual([10, 11]);
  });

  it('never crosses a notional cap, even when nearest rounding would', () => {
    // 0.1 × 1e6 / 333 = 300.3 → nearest 300; cap 99,900 / 333 = exactly 300 (tolerance keeps it).
    const r = ordersFromTargets({
      nav: 1e6,
      targets: [
        { symbol: 'A', price: 333, currentShares: 0, targetWeight: 0.1, maxNotional: 99_900 },
        { symbol: 'B', price: 7, currentShares: 0, targetNotional: 699.9, maxNotional: 699.9 }, // 99.99 → 100 but cap 99
        { symbol: 'C', price: 7, currentShares: 0, targetNotional: -699.9, minNotional: -699.9 }, // -100 → -99
      ],
    });
    expect(r.rows.map((x) => x.finalShares)).toEqual([300, 99, -99]);
    for (const row of r.rows) expect(row.boundsUnattainable).toBe(false);
  });

  it('flags bounds no whole share can meet and keeps the exposure nearer zero', () => {
    const r = ordersFromTargets({
      targets: [
        { symbol: 'A', price: 100, currentShares: 0, targetNotional: 250, minNotional: 220, maxNotional: 280 },
        { symbol: 'B', price: 100, currentShares: 0, targetNotional: -250, minNotional: -280, maxNotional: -220 },
      ],
    });
    expect(r.rows.map((x) => [x.finalShares, x.boundsUnattainable])).toEqual([
      [2, true],
      [-2, true],
    ]);
  });

  it('toward_current never overshoots the target', () => {
    const r = ordersFromTargets({
      rounding: 'toward_current',
      targets: [
        { symbol: 'A', price: 1, currentShares: 0, targetShares: 9.9 },
        { symbol: 'B', price: 1, currentShares: 10, targetShares: 0.1 },
        { symbol: 'C', price: 3, currentShares: 0, targetNotional: 0.3 * 100 }, // 9.999999… counts as 10
      ],
    });
    expect(r.rows.map((x) => x.finalShares)).toEqual([9, 1, 10]);
  });

  it('names every bad field', () => {
    expect(
      issuesOf(() =>
        ordersFromTargets({
          targets: [
            { symbol: 'A', price: 0, currentShares: 1.5, targetWeight: 0.1 },
            { symbol: 'A', price: 1, currentShares: 0 },
            { symbol: 'C', price: 1, currentShares: 0, targetShares: NaN, minNotional: 2, maxNotional: 1 },
          ],
        }),
      ),
    ).toEqual([
      'nav',
      'targets[0].price',
      'targets[0].currentShares',
      'targets[1].symbol',
      'targets[1]',
      'targets[2].targetShares',
      'targets[2].minNotional',
    ]);
  });

  it('does not depend on input order', () => {
    const targets = Array.from({ length: 30 }, (_, i) => ({
      symbol: `S${(i * 7) % 30}`,
      price: 10 + i,
      currentShares: i * 3,
      targetNotional: ((i * 37) % 11) * 100 - 300,
    }));
    const a = ordersFromTargets({ targets });
    const b = ordersFromTargets({ targets: [...targets].reverse() });
    expect(b).toEqual(a);
  });
});

describe('CSV', () => {
  it('writes OMS rows exactly as symbol,side,shares, quoting only when needed', () => {
    expect(
      formatOmsCsv([
        { symbol: 'MSFT', side: 'buy', shares: 250 },
        { symbol: 'BRK,B', side: 'sell', shares: 3 },
      ]),
    ).toBe('symbol,side,shares\n"BRK,B",sell,3\nMSFT,buy,250\n');
  });

  it('writes FX rows as currency_pair,side,notional', () => {
    expect(formatFxCsv([{ currencyPair: 'GBPUSD', side: 'sell', notional: 1.5e6 }, { currencyPair: 'EURUSD', side: 'buy', notional: 250000 }])).toBe(
      'currency_pair,side,notional\nEURUSD,buy,250000\nGBPUSD,sell,1500000\n',
    );
  });
});
