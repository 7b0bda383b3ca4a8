import { describe, expect, it } from 'vitest';
import { buildUniverse } from '../data/universe.js';
import { parsePortfolioConfig } from './config.js';
import { normalizeConstraints } from './constraints.js';
import { evaluatePortfolio } from './evaluate.js';
import { listConversions, listHedgePackages } from './synthetics.js';
import { microBook } from './test-support/micro-book.js';
import { microConfig } from './test-support/run-micro.js';

/** Values worked out by hand on the micro book (prices: A 100, B 50, C 40, F 10 EUR, G 25 EUR; EUR 1.10). */
describe('evaluatePortfolio', () => {
  const config = parsePortfolioConfig(
    microConfig({
      constraints: {
        instrument: { overrides: [{ instruments: ['A'], tradeAdv: { upper: 0.1 } }] },
        groups: [{ by: 'currency', value: 'EUR', measure: 'gross', upper: 1e9 }],
        portfolio: { net: { lower: -1e9 }, turnover: { upper: 1e9 }, cash: { EUR: { lower: -1e9 } } },
      },
      synthetics: { createRedeem: true, efp: false, hedgeCredit: false },
    }),
  );
  const universe = buildUniverse(microBook());
  const constraints = normalizeConstraints(config, universe);
  const conversions = listConversions(universe, config);
  const input = { universe, config, constraints, conversions, packages: listHedgePackages(universe, config) };

  it('recomputes constraint values from shares, prices and FX', () => {
    // Buy 500 A and sell 500 F on the market; create 100 ETF (8,000) from the basket: 48 A
    // (0.6 · 8000 / 100) and 64 B (0.4 · 8000 / 50) delivered; buy 10,000 EUR (11,000 USD).
    const shares = Float64Array.from(universe.instruments.map((u) => u.shares0));
    const iA = universe.byId.get('A') as number;
    const iB = universe.byId.get('B') as number;
    const iE = universe.byId.get('ETF') as number;
    const iF = universe.byId.get('F') as number;
    shares[iA] = 1000 + 500 - 48; // market +500, legs −48
    shares[iB] = -2000 - 64;
    shares[iE] = 100;
    shares[iF] = 1500; // sell 500 F
    const legShares = Float64Array.from([100, -48, -64]); // 8000 of ETF for 4800 of A + 3200 of B
    const ev = evaluatePortfolio(input, { shares, conversions: [{ conversion: 0, legShares }], fxTrades: new Map([['EUR', 11_000]]) });
    const v = (id: string) => ev.constraints.find((c) => c.id === id)?.value;
    expect(v('instrument:A:tradeAdv')).toBeCloseTo(50_000 / 5e6, 12);
    // Turnover counts market trades only: A 50k + F 5.5k.
    expect(v('portfolio:turnover')).toBeCloseTo(55_500, 9);
    expect(ev.metrics.syntheticResidual).toBeCloseTo(0, 9);
    // EUR cash: 55k + 5.5k (sold F) + 11k bought.
    expect(v('portfolio:cash:EUR')).toBeCloseTo(71_500, 9);
    expect(ev.metrics.cash.USD).toBeCloseTo(1_000_000 - 50_000 - 11_000, 9);
    expect(v('group:currency:EUR:gross')).toBeCloseTo(16_500 + 27_500, 9);
    const net = 145_200 - 103_200 + 20_000 + 16_500 - 27_500 + 8_000;
    expect(v('portfolio:net')).toBeCloseTo(net, 9);
    // Costs: linear 5 bp on 55.5k; create/redeem 2 bp on 8k; FX 1 bp on 11k.
    expect(ev.attribution.linearCost).toBeCloseTo(0.0005 * 55_500, 9);
    expect(ev.attribution.createRedeemCost).toBeCloseTo(0.0002 * 8000, 9);
    expect(ev.attribution.fxCost).toBeCloseTo(0.0001 * 11_000, 9);
    // Impact: k · U² / ADV per instrument.
    expect(ev.attribution.impactCost).toBeCloseTo((0.02 * 50_000 ** 2) / 5e6 + (0.02 * 5_500 ** 2) / 5.5e6, 9);
  });
});
