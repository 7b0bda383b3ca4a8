import { describe, expect, it } from 'vitest';
import { diagnosticPath, type Diagnostic } from '../data/diagnostics.js';
import { buildUniverse, type Universe } from '../data/universe.js';
import { runPortfolio, type PortfolioRunResult } from './run-portfolio.js';
import { microBook, type MicroBookPatch } from './test-support/micro-book.js';

/**
 * Currency risk factors (`risk.fxFactors`) on the micro book: USD numeraire, EUR equities F
 * (+22,000 USD) and G (−27,500 USD), EUR cash 55,000 USD — a EUR exposure of 49,500 USD before
 * any trade.
 */
const base = microBook();
const withFxFactor = (patch: MicroBookPatch = {}) =>
  microBook({
    factor_covariance: [...(base.factor_covariance?.rows ?? []), { factor_i: 'FX_EUR', factor_j: 'FX_EUR', cov: 0.01 }],
    ...patch,
  });
const findings = (ds: readonly Diagnostic[], severity: Diagnostic['severity']) => ds.filter((d) => d.severity === severity).map((d) => `${diagnosticPath(d)} ${d.code}`);

function loading(u: Universe, id: string, factor: string): number {
  const i = u.byId.get(id) as number;
  const a = u.factors.indexOf(factor);
  for (let p = u.loadingPtr[i] as number; p < (u.loadingPtr[i + 1] as number); p++) if (u.loadingFactor[p] === a) return u.loadingValue[p] as number;
  return 0;
}

/** EUR exposure of a result's unrounded book, recomputed from its rows: EUR holdings (ETFs through their basket) + EUR cash. */
function eurExposure(r: PortfolioRunResult, etfEurShare = 0): number {
  let h = 0;
  for (const row of r.optimal) {
    if (row.currency === 'EUR' && row.type === 'Equity') h += row.optimalNotional;
    if (row.type === 'ETF') h += etfEurShare * row.optimalNotional;
  }
  return h + (r.summary.metrics.optimal.cash.EUR ?? 0);
}

describe('FX factors', () => {
  it('derive loadings from currencies: 1 in the quote currency, ETFs through their basket, futures none, the numeraire no factor', () => {
    // The ETF's basket holds 40 % of the EUR equity F.
    const u = buildUniverse(withFxFactor({ baskets: [{ basket_id: 'BK', instrument_id: 'A', weight: 0.6 }, { basket_id: 'BK', instrument_id: 'F', weight: 0.4 }] }), { fxFactors: true });
    expect(findings(u.diagnostics, 'error')).toEqual([]);
    expect([...u.fxFactors]).toEqual([['EUR', u.factors.indexOf('FX_EUR')]]);
    expect(loading(u, 'F', 'FX_EUR')).toBe(1);
    expect(loading(u, 'G', 'FX_EUR')).toBe(1);
    expect(loading(u, 'A', 'FX_EUR')).toBe(0);
    expect(loading(u, 'ETF', 'FX_EUR')).toBeCloseTo(0.4, 15);
    expect(loading(u, 'FUT', 'FX_EUR')).toBe(0);
    // The table's own loadings are kept.
    expect(loading(u, 'F', 'MARKET')).toBe(1.0);
    expect(loading(u, 'F', 'VALUE')).toBe(0.2);
  });

  it('need a covariance factor per non-numeraire currency and never a loadings row; off, they are reported unused', () => {
    const missing = buildUniverse(base, { fxFactors: true });
    expect(findings(missing.diagnostics, 'error')).toEqual(['factor_covariance.csv::factor_i missing_risk']);
    expect(missing.diagnostics.find((d) => d.code === 'missing_risk')?.message).toMatch(/FX_EUR/);
    const loaded = buildUniverse(withFxFactor({ risk_model: [...(base.risk_model?.rows ?? []), { instrument_id: 'F', factor: 'FX_EUR', loading: 1 }] }), { fxFactors: true });
    expect(findings(loaded.diagnostics, 'error')).toEqual(['risk_model.csv:19:factor out_of_range']);
    const off = buildUniverse(withFxFactor());
    expect(findings(off.diagnostics, 'error')).toEqual([]);
    expect(findings(off.diagnostics, 'info')).toContain('factor_covariance.csv unknown_factor');
    expect(off.fxFactors.size).toBe(0);
    expect(loading(off, 'F', 'FX_EUR')).toBe(0);
    // Off, an FX factor with table loadings is an ordinary factor: read, and not reported unused.
    const own = buildUniverse(withFxFactor({ risk_model: [...(base.risk_model?.rows ?? []), { instrument_id: 'F', factor: 'FX_EUR', loading: 0.9 }] }));
    expect(findings(own.diagnostics, 'error')).toEqual([]);
    expect(findings(own.diagnostics, 'info')).not.toContain('factor_covariance.csv unknown_factor');
    expect(loading(own, 'F', 'FX_EUR')).toBe(0.9);
  });

  it('put currency risk in the objective: the optimiser sells EUR against USD, and the evaluator agrees with the model', () => {
    const run = (fxFactors: boolean) => runPortfolio({ tables: withFxFactor(), config: { risk: { aversion: 20, fxFactors } } });
    const off = run(false);
    const on = run(true);
    expect(off.status).toBe('optimal');
    // `optimal` needs the evaluator's objective — its FX exposure recomputed from holdings and
    // post-trade cash — to equal the model's within 1e-6.
    expect(on.status).toBe('optimal');
    expect(off.fxOrders).toEqual([]);
    expect(on.fxOrders).toHaveLength(1);
    expect(on.fxOrders[0]).toMatchObject({ currencyPair: 'EURUSD', side: 'sell' });
    expect(eurExposure(off)).toBeGreaterThan(40_000);
    expect(Math.abs(eurExposure(on))).toBeLessThan(0.5 * eurExposure(off));
    // The evaluator's metric, against the rows' recomputation.
    expect(off.summary.metrics.optimal.fxExposure).toBeUndefined();
    expect(on.summary.metrics.optimal.fxExposure?.EUR).toBeCloseTo(eurExposure(on), 6);
    expect(on.summary.metrics.current.fxExposure?.EUR).toBeCloseTo(49_500, 6);
  });

  it('can be held neutral by a factor constraint, checked on the evaluated book', () => {
    const r = runPortfolio({
      tables: withFxFactor(),
      config: { risk: { aversion: 1, fxFactors: true }, rounding: { enabled: false }, constraints: { portfolio: { factorNeutral: { factors: ['FX_EUR'], tolerance: 1000 } } } },
    });
    expect(r.status).toBe('optimal');
    const d = r.diagnostics.find((x) => x.id.includes('FX_EUR'));
    expect(d).toBeDefined();
    expect(Math.abs(d!.value)).toBeLessThanOrEqual(1000 + 1e-6);
    expect(Math.abs(eurExposure(r))).toBeLessThanOrEqual(1000 + 1e-3);
  });
});
