import { describe, expect, it } from 'vitest';
import { SimulatedBroker, simulateFills, type BarQuote } from './broker.js';

const quotes: BarQuote[] = [
  { symbol: 'A', mid: 100, spreadBps: 10, volume: 5_000 },
  { symbol: 'B', mid: 50, spreadBps: 20, volume: 100_000 },
];

describe('simulated fills', () => {
  it('fill at mid ± half-spread, capped at the participation limit, remainder cancelled', () => {
    const r = simulateFills(
      [
        { symbol: 'B', side: 'sell', shares: 300 },
        { symbol: 'A', side: 'buy', shares: 800 },
        { symbol: 'Z', side: 'buy', shares: 5 },
      ],
      new Map(quotes.map((q) => [q.symbol, q])),
      { participation: 0.1 },
    );
    expect(r.fills).toEqual([
      { symbol: 'A', side: 'buy', shares: 500, price: 100.05, cost: 25 },
      { symbol: 'B', side: 'sell', shares: 300, price: 49.95, cost: expect.closeTo(15, 10) },
    ]);
    expect(r.unfilled).toEqual([
      { symbol: 'A', side: 'buy', shares: 300 },
      { symbol: 'Z', side: 'buy', shares: 5 },
    ]);
  });

  it('a simulated broker keeps positions and cash', async () => {
    const b = new SimulatedBroker(100_000, { participation: 1 }, { B: 100 });
    b.setBar(quotes);
    await b.submit([
      { symbol: 'A', side: 'buy', shares: 10 },
      { symbol: 'B', side: 'sell', shares: 100 },
    ]);
    expect(Object.fromEntries(await b.positions())).toEqual({ A: 10 });
    expect(await b.cash()).toBeCloseTo(100_000 - 10 * 100.05 + 100 * 49.95, 9);
  });
});
