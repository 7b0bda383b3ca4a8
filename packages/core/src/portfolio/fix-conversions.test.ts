import { describe, expect, it } from 'vitest';
import { readPortfolioTables } from '../data/read-tables.js';
import { withConversionsFixed } from './fix-conversions.js';
import { SAMPLE_PORTFOLIO_DIR } from './report.js';
import type { RoundedBook } from './round.js';
import { preparePortfolio, runPortfolio } from './run-portfolio.js';
import { SAMPLE_PORTFOLIO_CONFIG } from './sample-config.js';
import { microBook } from './test-support/micro-book.js';

describe('fix-and-resolve of rounded conversions', () => {
  it('withConversionsFixed pins each conversion at its rounded size (0 when dropped) and nothing else; undefined outside its bounds', () => {
    const prep = preparePortfolio(microBook(), {});
    const { qp, universe } = prep;
    const L = qp.layout;
    expect(L.nConv).toBeGreaterThan(1);
    const c0 = qp.conversions[0]!;
    const leader = universe.instruments[c0.leader]!;
    const rounded = (leaderShares: number): RoundedBook => ({
      book: { shares: new Float64Array(L.n), conversions: [{ conversion: 0, legShares: Float64Array.from([leaderShares, ...c0.members.map(() => 0)]) }], fxTrades: new Map() },
      marketShares: new Float64Array(L.n),
      conversionShares: new Float64Array(L.n),
      fxLocal: new Map(),
    });
    const fixed = withConversionsFixed(qp, universe, rounded(-200))!;
    const row = (v: number) => qp.identityRow + v;
    const s = (200 * leader.unitValue) / qp.nav;
    expect([fixed.problem.l[row(L.conv)], fixed.problem.u[row(L.conv)]]).toEqual([0, 0]);
    expect(fixed.problem.l[row(L.conv + L.nConv)]).toBeCloseTo(s, 15);
    expect(fixed.problem.u[row(L.conv + L.nConv)]).toBeCloseTo(s, 15);
    for (let c = 1; c < L.nConv; c++) for (const v of [L.conv + c, L.conv + L.nConv + c]) expect([fixed.problem.l[row(v)], fixed.problem.u[row(v)]]).toEqual([0, 0]);
    // Everything else as it was; the original problem untouched.
    let changed = 0;
    for (let r = 0; r < qp.problem.m; r++) if (fixed.problem.l[r] !== qp.problem.l[r] || fixed.problem.u[r] !== qp.problem.u[r]) changed++;
    expect(changed).toBeLessThanOrEqual(2 * L.nConv);
    expect(fixed.problem.A).toBe(qp.problem.A);
    expect(qp.problem.u[row(L.conv + L.nConv)]).toBeGreaterThan(s);
    // Beyond the conversion's cap (maxCreateRedeemNotional): no fixed problem.
    const capped = preparePortfolio(microBook(), { synthetics: { maxCreateRedeemNotional: 100 * leader.unitValue } });
    expect(withConversionsFixed(capped.qp, capped.universe, rounded(-200))).toBeUndefined();
  });

  it('on the embedded sample: creation-unit rounding broke the US gross cap and the margin budget by $1.85M; fixed and re-solved, by ~$1k', async () => {
    const read = await readPortfolioTables(SAMPLE_PORTFOLIO_DIR);
    const r = runPortfolio({ tables: read.tables, config: SAMPLE_PORTFOLIO_CONFIG });
    expect(r.status).toBe('optimal');
    const rr = r.summary.roundingResolve;
    expect(rr?.used).toBe(true);
    expect(rr!.breachBefore).toBeGreaterThan(1e6);
    expect(rr!.breachAfter).toBeLessThan(1e-3 * rr!.breachBefore);
    // What the summary reports as broken by rounding is the re-solved book's, in the same money.
    const nav = r.summary.nav;
    const money = r.summary.constraints.violatedByRounding.reduce((s, v) => s + v.violation * (v.id.startsWith('group:') || v.id.startsWith('portfolio:') ? nav : 1), 0);
    expect(money).toBeCloseTo(rr!.breachAfter, 0);
    // The orders are whole shares and the rounded objective stays near the optimum.
    const o = r.summary.objective;
    expect(Math.abs(o.rounded.objective - o.optimal.objective)).toBeLessThan(1e-2 * Math.abs(o.optimal.objective));
  });
});
