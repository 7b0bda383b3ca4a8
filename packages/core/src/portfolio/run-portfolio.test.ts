import { describe, expect, it } from 'vitest';
import { InputError } from '@keel/solver-native/errors';
import { formatFxCsv, formatOmsCsv } from '../orders/index.js';
import { portfolioOutputFiles } from './report.js';
import { preparePortfolio, repricePortfolio, runPortfolio } from './run-portfolio.js';
import { PortfolioSolver } from './solve-portfolio.js';
import { microBook } from './test-support/micro-book.js';
import { microConfig, runMicro } from './test-support/run-micro.js';

const issuesOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e.issues.map((i) => `${i.path} ${i.message}`);
    throw e;
  }
  throw new Error('expected an InputError');
};

describe('runPortfolio', () => {
  it('buys the currency a cash floor needs, as an FX order in the base currency', () => {
    // F and G restricted: EUR cash can only come from the FX market.
    const restricted = ['F', 'G'].map((id) => ({ instrument_id: id, restricted: true, no_new_shorts: false, no_new_longs: false }));
    const r = runMicro({ constraints: { portfolio: { cash: { EUR: { lower: 80_000 } } } } }, { restrictions: restricted });
    expect(r.status).toBe('optimal');
    expect(r.fxOrders).toHaveLength(1);
    const fx = r.fxOrders[0];
    expect(fx).toMatchObject({ currencyPair: 'EURUSD', side: 'buy' });
    // Rounded cash holds the floor up to a cent of EUR.
    expect(r.summary.metrics.rounded.cash.EUR as number).toBeGreaterThan(80_000 - 0.02);
    expect(formatFxCsv(r.fxOrders)).toMatch(/^currency_pair,side,notional\nEURUSD,buy,\d+(\.\d{1,2})?\n$/);
    expect(r.summary.objective.optimal.fxCost).toBeGreaterThan(0);
    // Without the floor no FX is traded (it costs).
    expect(runMicro({}, { restrictions: restricted }).fxOrders).toEqual([]);
  });

  it('rounds to whole shares and contracts and writes OMS rows exactly symbol,side,shares', () => {
    const r = runMicro({});
    for (const o of r.optimal) expect(Number.isInteger(o.roundedShares)).toBe(true);
    for (const o of r.orders) {
      expect(Number.isInteger(o.shares) && o.shares > 0).toBe(true);
      const t = r.trades.find((x) => x.symbol === o.symbol);
      expect(o.side === 'buy' ? t?.marketShares : -(t?.marketShares ?? 0)).toBe(o.shares);
    }
    const csv = formatOmsCsv(r.orders);
    expect(csv.split('\n')[0]).toBe('symbol,side,shares');
    for (const l of csv.trim().split('\n').slice(1)) expect(l).toMatch(/^[A-Z]+,(buy|sell),[1-9]\d*$/);
    const files = portfolioOutputFiles(r);
    expect(Object.keys(files).sort()).toEqual(['conversions.csv', 'diagnostics.csv', 'fx-orders.csv', 'optimal.csv', 'orders.csv', 'run-log.json', 'summary.json', 'trades.csv']);
    expect(files['orders.csv']).toBe(csv);
  });

  it('re-checks the rounded book and reports exactly the constraints rounding broke', () => {
    const r = runMicro({ constraints: { portfolio: { net: { upper: 0 }, gross: { upper: 150_000 } } } });
    expect(r.status).toBe('optimal');
    const broken = new Set(r.summary.constraints.violatedByRounding.map((v) => v.id));
    for (const d of r.diagnostics) expect(broken.has(d.id)).toBe(!d.roundedHolds && !d.soft);
    // The rounded book is within a share of each position of the optimum.
    for (const o of r.optimal) expect(Math.abs(o.roundedShares - o.optimalShares)).toBeLessThanOrEqual(1);
  });

  it('stops before solving on bad data, naming table, row and column', () => {
    const base = microBook();
    const bad = microBook({ positions: (base.positions?.rows ?? []).map((p) => (p.instrument_id === 'C' ? { ...p, price: NaN } : p)), liquidity: (base.liquidity?.rows ?? []).map((l) => (l.instrument_id === 'D' ? { ...l, adv: -1 } : l)) });
    expect(issuesOf(() => runPortfolio({ tables: bad, config: microConfig() }))).toEqual(['liquidity.csv:4:adv out_of_range: must be ≥ 0 (got -1)', 'positions.csv:3:price not_finite: value is NaN']);
    const noCol = microBook({ cash: [{ currency: 'USD' }] });
    expect(issuesOf(() => runPortfolio({ tables: noCol, config: microConfig() }))).toEqual(['cash.csv::cash_amount missing_column: required column "cash_amount" (number) is missing']);
  });

  it('stops on contradictory constraints, naming both sides', () => {
    const issues = issuesOf(() => runMicro({ constraints: { portfolio: { net: { lower: 300_000 }, gross: { upper: 200_000 } } } }));
    expect(issues).toContain('constraints.portfolio.net vs constraints.portfolio.gross net floor 3.0000e+5 is outside ±gross cap 2.0000e+5 [portfolio:net vs portfolio:gross]');
    const caps = issuesOf(() => runMicro({ constraints: { instrument: { defaults: { positionNotional: { lower: -1000, upper: 1000 }, tradeNotional: { upper: 1e9 } } }, portfolio: { net: { lower: 50_000 } } } }));
    expect(caps[0]).toMatch(/^constraints\.portfolio\.net vs constraints\.instrument\.defaults\.positionNotional portfolio:net: floor 5\.0000e\+4 is above the sum of its 9 members' reachable maxima 9000\.00/);
    const group = issuesOf(() => runMicro({ constraints: { instrument: { defaults: { positionNotional: { upper: 5000 } } }, groups: [{ by: 'sector', value: 'Energy', measure: 'net', lower: 20_000 }] } }));
    expect(group[0]).toMatch(/^constraints\.groups\[0\] vs constraints\.instrument\.defaults\.positionNotional group:sector:Energy:net: floor 2\.0000e\+4 is above the sum of its 3 members' reachable maxima 1\.5000e\+4/);
    const factor = issuesOf(() => runMicro({ constraints: { groups: [{ by: 'factor', factor: 'VALUE', lower: 5000, upper: 6000 }], portfolio: { factorNeutral: { factors: ['VALUE'], tolerance: 1000 } } } }));
    expect(factor[0]).toMatch(/^constraints\.groups\[0\] vs constraints\.portfolio\.factorNeutral VALUE exposure/);
    expect(issuesOf(() => runMicro({ constraints: { groups: [{ by: 'factor', factor: 'NOPE', upper: 1 }] } }))).toEqual(['constraints.groups[0].factor unknown factor "NOPE"']);
  });

  it('warnings proceed and land in the run log with the fields of seed 03 §13', () => {
    const base = microBook();
    const r = runPortfolio({ tables: microBook({ cost_model: (base.cost_model?.rows ?? []).filter((x) => x.instrument_id !== 'E') }), config: microConfig() });
    expect(r.status).toBe('optimal');
    expect(Object.keys(r.runLog)).toEqual(['runMetadata', 'configSnapshot', 'dataQc', 'constraintSets', 'settings', 'solverDiagnostics', 'resultsSummary']);
    expect(r.runLog.dataQc.counts.warning).toBe(1);
    expect(r.runLog.dataQc.diagnostics.find((d) => d.severity === 'warning')).toMatchObject({ code: 'missing_cost', instrumentId: 'E' });
    expect(r.runLog.solverDiagnostics.solve.kktOk).toBe(true);
    expect(r.runLog.runMetadata.inputHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('says infeasible (an answer, not an error) when the solver proves it, with the rows involved', () => {
    // Cash can only come from selling longs and adding shorts, and gross is capped: 5M is out of reach.
    const r = runMicro({ solver: { method: 'admm', backend: 'ts' }, constraints: { portfolio: { gross: { upper: 300_000 }, cash: { USD: { lower: 5e6 }, EUR: { lower: 0 } } } } });
    expect(r.status).toBe('infeasible');
    expect(r.orders).toEqual([]);
    expect(r.runLog.solverDiagnostics.infeasibility?.map((x) => x.constraint)).toContain('portfolio:cash:USD');
  });

  it('agrees across methods: ADMM (when its answer passes the KKT check) and the interior-point method', () => {
    const ipm = runMicro({});
    const admm = runMicro({ solver: { method: 'admm', backend: 'ts', epsAbs: 1e-9, epsRel: 1e-9, maxIter: 50_000 } });
    expect(admm.summary.solver.method).toBe('admm');
    const a = admm.summary.objective.optimal.objective;
    const b = ipm.summary.objective.optimal.objective;
    expect(Math.abs(a - b) / Math.abs(b)).toBeLessThan(1e-5);
  });

  it('re-solves warm after a price update: same pattern, values updated in place, same optimum as a cold solve', () => {
    for (const method of ['interior-point', 'auto'] as const) {
      const prep = preparePortfolio(microBook(), microConfig({ solver: { method }, constraints: { portfolio: { gross: { upper: 200_000 } } } }));
      const solver = new PortfolioSolver(prep.qp, prep.config);
      solver.solve();
      const next = repricePortfolio(prep, new Map([['A', 105], ['F', 9.5]]));
      expect(next.universe.nav).toBeCloseTo(prep.universe.nav + 5_000 - 1_100, 6);
      solver.update(next.qp);
      const warm = solver.solve();
      solver.dispose();
      const cold = new PortfolioSolver(next.qp, next.config).solve();
      expect(warm.info.kktOk && cold.info.kktOk).toBe(true);
      expect(Math.abs(warm.info.kkt.objective - cold.info.kkt.objective)).toBeLessThan(1e-7 * Math.abs(cold.info.kkt.objective));
    }
  });
});
