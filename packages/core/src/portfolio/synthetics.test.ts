import { describe, expect, it } from 'vitest';
import { InputError } from '@keel/solver-native/errors';
import { buildUniverse } from '../data/universe.js';
import { parsePortfolioConfig } from './config.js';
import { normalizeConstraints } from './constraints.js';
import { evaluatePortfolio } from './evaluate.js';
import { listConversions, listHedgePackages } from './synthetics.js';
import { microBook } from './test-support/micro-book.js';
import { microConfig, runMicro } from './test-support/run-micro.js';

const base = microBook();
const alphaWith = (over: Record<string, number>) => (base.alpha?.rows ?? []).map((r) => (r.instrument_id in over ? { ...r, alpha: over[r.instrument_id] as number } : r));
const positionsWith = (over: Record<string, number>) => (base.positions?.rows ?? []).map((r) => ({ ...r, position_shares: over[r.instrument_id] ?? 0 }));
// Market trading all but closed: what moves must move through a conversion.
const tinyTrades = { constraints: { instrument: { defaults: { tradeNotional: { upper: 500 } } } } };

describe('ETF create/redeem', () => {
  it('redeems a rich ETF into its basket in kind, legs summing to zero notional', () => {
    const patch = { alpha: alphaWith({ ETF: -0.01 }), positions: positionsWith({ ETF: 2000 }) };
    const off = runMicro({ ...tinyTrades }, patch);
    const on = runMicro({ ...tinyTrades, synthetics: { createRedeem: true, createRedeemCost: 0.0001, maxCreateRedeemNotional: 1e6, efp: false, hedgeCredit: false } }, patch);
    expect(on.status).toBe('optimal');
    expect(on.summary.objective.optimal.objective).toBeGreaterThan(off.summary.objective.optimal.objective);
    const [cv] = on.conversions;
    expect(cv).toMatchObject({ kind: 'createRedeem', leaderId: 'ETF' });
    expect(cv?.leaderShares).toBeLessThan(0);
    expect(Math.abs((cv?.leaderShares ?? 0) % 100)).toBe(0); // whole creation units
    // x_E + Σ w_j x_j = 0: the unrounded legs net to zero notional.
    expect(on.summary.metrics.optimal.syntheticResidual).toBeLessThan(1e-6);
    const a = on.trades.find((t) => t.instrumentId === 'A');
    expect(a?.conversionShares).toBeGreaterThan(0);
    // Conversions are not OMS orders: the ETF's OMS quantity is its market trade only.
    const etf = on.trades.find((t) => t.instrumentId === 'ETF');
    const order = on.orders.find((o) => o.symbol === 'ETFX');
    expect(Math.abs(etf?.marketShares ?? 0)).toBe(order?.shares ?? 0);
    expect(Math.abs(etf?.marketShares ?? 0) * 80).toBeLessThanOrEqual(500);
  });
});

describe('EFP', () => {
  it('exchanges a rich future for its basket; the basket leg settles in cash', () => {
    const patch = { alpha: alphaWith({ FUT: -0.01 }), positions: positionsWith({ FUT: 20 }) };
    const r = runMicro({ ...tinyTrades, synthetics: { createRedeem: false, efp: true, efpCost: 0.0001, maxEfpNotional: 1e6, hedgeCredit: false } }, patch);
    expect(r.status).toBe('optimal');
    const efp = r.conversions.find((c) => c.kind === 'efp');
    expect(efp?.leaderShares).toBeLessThan(0);
    // USD cash pays for the basket bought through the EFP (market trades are tiny).
    const bought = r.trades.filter((t) => t.instrumentId === 'A' || t.instrumentId === 'B').reduce((s, t) => s + t.conversionShares * (t.instrumentId === 'A' ? 100 : 50), 0);
    expect(bought).toBeGreaterThan(0);
    const cashDrop = (r.summary.metrics.current.cash.USD as number) - (r.summary.metrics.rounded.cash.USD as number);
    const marketSpend = r.trades.filter((t) => t.instrumentId !== 'FUT' && !['F', 'G'].includes(t.instrumentId)).reduce((s, t) => s + t.marketNotional, 0);
    expect(cashDrop).toBeCloseTo(bought + marketSpend, 6);
  });
});

describe('margin with hedge credit (index arbitrage)', () => {
  const patch = { positions: positionsWith({ FUT: 10, A: -600, B: -800 }), alpha: alphaWith({ A: 0, B: 0, C: 0, D: 0, E: 0, F: 0, G: 0, ETF: 0, FUT: 0 }) };
  const tables = microBook(patch);

  it('a future hedged by its basket uses far less margin than the two legs', () => {
    const config = parsePortfolioConfig(microConfig({ synthetics: { hedgeCredit: true, createRedeem: false, efp: false } }));
    const universe = buildUniverse(tables);
    const constraints = normalizeConstraints(config, universe);
    const packages = listHedgePackages(universe, config);
    expect(packages.map((p) => universe.instruments[p.leader]?.id)).toEqual(['FUT']);
    const input = { universe, config, constraints, conversions: listConversions(universe, config), packages };
    const shares = Float64Array.from(universe.instruments.map((u) => u.shares0));
    const noCredit = evaluatePortfolio(input, { shares, conversions: [], fxTrades: new Map() });
    const credit = evaluatePortfolio(input, { shares, conversions: [], fxTrades: new Map(), hedge: Float64Array.from([100_000]) });
    // Legs alone: 8% of 100k (future) + 20% of 60k + 40k (basket) = 28k; hedged package: 1% of 100k.
    expect(noCredit.metrics.margin).toBeCloseTo(28_000, 6);
    expect(credit.metrics.margin).toBeCloseTo(1_000, 6);
    expect(credit.metrics.marginWithoutCredit).toBeCloseTo(28_000, 6);
    expect(credit.metrics.gross).toBeCloseTo(200_000, 6);
  });

  it('a margin budget below the legs is met with the credit and refused without it', () => {
    const frozen = { constraints: { instrument: { defaults: { tradeNotional: { upper: 0 } } }, portfolio: { marginBudget: { upper: 5000 } } } };
    const r = runMicro({ ...frozen, costs: { marginFunding: 0.02 }, synthetics: { hedgeCredit: true, createRedeem: false, efp: false } }, patch);
    expect(r.status).toBe('optimal');
    expect(r.summary.metrics.optimal.margin).toBeLessThanOrEqual(5000 + 1e-3);
    expect(r.summary.metrics.optimal.margin).toBeCloseTo(1000, 0);
    expect(() => runMicro({ ...frozen, synthetics: { hedgeCredit: false, createRedeem: false, efp: false } }, patch)).toThrow(InputError);
    try {
      runMicro({ ...frozen, synthetics: { hedgeCredit: false, createRedeem: false, efp: false } }, patch);
    } catch (e) {
      expect((e as InputError).issues[0]?.path).toBe('constraints.portfolio.marginBudget vs constraints.instrument.defaults.tradeNotional');
    }
  });
});
