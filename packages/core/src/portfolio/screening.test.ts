import { describe, expect, it } from 'vitest';
import { generatePortfolioSample } from '../data/generate-sample.js';
import type { PortfolioTables } from '../data/tables.js';
import { createMulberry32Rng, mixSeed } from '../random/index.js';
import { preparePortfolio, repricePortfolio, type PreparedPortfolio } from './run-portfolio.js';
import { SAMPLE_PORTFOLIO_CONFIG } from './sample-config.js';
import { ScreenedSession, type ScreeningOptions } from './screening.js';
import { interiorPointSettings, kktAcceptable, kktResiduals, PortfolioSolver } from './solve-portfolio.js';

/**
 * Screened re-solves (`solver.screening`) against the truth: a cold solve of the same repriced
 * problem. Small books force screening on (`auto` starts at 5,000 instruments).
 */

/**
 * Screening leaves every conversion leg and hedge-package member free, and in a small sample
 * every instrument is in an ETF basket: these tests switch the synthetics off so that most
 * instruments can be held.
 */
const tables = generatePortfolioSample({ instruments: 800, seed: 5 });
const screenedConfig = (mode: 'on' | 'off', prepareScreening = true) => ({
  ...SAMPLE_PORTFOLIO_CONFIG,
  synthetics: { createRedeem: false, efp: false, hedgeCredit: false },
  solver: { method: 'interior-point' as const, screening: mode, prepareScreening },
});

function moved(prep: PreparedPortfolio, seed: number, size: number): Map<string, number> {
  const rng = createMulberry32Rng(mixSeed(seed));
  return new Map(prep.universe.instruments.map((u) => [u.id, u.price * (1 + size * rng.normal())]));
}

function coldObjective(prep: PreparedPortfolio): { objective: number; x: Float64Array } {
  const s = new PortfolioSolver(prep.qp, { ...prep.config, solver: { ...prep.config.solver, screening: 'off' } });
  try {
    const r = s.solve();
    expect(r.info.kktOk).toBe(true);
    return { objective: r.info.kkt.objective, x: r.x };
  } finally {
    s.dispose();
  }
}

/** The optimum of a full (unscreened) solve: the start of a screened re-solve. */
function fullStart(prep: PreparedPortfolio): { x: Float64Array; y: Float64Array } {
  const s = new PortfolioSolver(prep.qp, prep.config);
  try {
    const r = s.solve();
    return { x: r.x, y: r.y };
  } finally {
    s.dispose();
  }
}

/** (x, y) passes the KKT check on the full problem and has the cold solve's objective. */
function expectFullOptimum(prep: PreparedPortfolio, x: Float64Array, y: Float64Array): void {
  const kkt = kktResiduals(prep.qp.problem, x, y);
  expect(kktAcceptable(prep.qp, kkt)).toBe(true);
  const cold = coldObjective(prep);
  expect(Math.abs(kkt.objective - cold.objective)).toBeLessThan(1e-7 * Math.abs(cold.objective));
}

/** One screened re-solve of `next` from `start` in a new session (set up on `prep`). */
function screenedSolve(prep: PreparedPortfolio, next: PreparedPortfolio, start: { x: Float64Array; y: Float64Array }, opts: ScreeningOptions) {
  const session = new ScreenedSession(prep.qp, interiorPointSettings(prep.config), undefined, opts);
  try {
    return session.solve(next.qp, start);
  } finally {
    session.dispose();
  }
}

describe('screened re-solves', () => {
  it('re-solve a repriced book on the trading instruments and reach the cold optimum, KKT-checked on the full problem', () => {
    const prep = preparePortfolio(tables, screenedConfig('on'));
    const solver = new PortfolioSolver(prep.qp, prep.config);
    try {
      const first = solver.solve();
      expect(first.info.interiorPoint?.screening).toBeUndefined(); // a cold solve is never screened
      // ... but sets the screened re-solves up (`solver.prepareScreening`, on by default).
      expect(first.info.interiorPoint?.screeningPrepared?.ok).toBe(true);
      let cur = prep;
      for (let k = 0; k < 3; k++) {
        cur = repricePortfolio(cur, moved(cur, 20 + k, 0.01));
        solver.update(cur.qp);
        const warm = solver.solve();
        const info = warm.info.interiorPoint?.screening;
        expect(info).toBeDefined();
        expect(info!.fixedInstruments).toBeGreaterThan(0);
        expect(info!.freeInstruments + info!.fixedInstruments).toBe(cur.qp.layout.n);
        expect(info!.setUp).toBe(false);
        expect(warm.info.interiorPoint?.screeningPrepared).toBeUndefined();
        expect(warm.info.outcome).toBe('solved');
        expect(warm.info.kktOk).toBe(true);
        const cold = coldObjective(cur);
        expect(Math.abs(warm.info.kkt.objective - cold.objective)).toBeLessThan(1e-7 * Math.abs(cold.objective));
        let dx = 0;
        for (let i = 0; i < cur.qp.layout.n; i++) dx = Math.max(dx, Math.abs((warm.x[i] as number) - (cold.x[i] as number)));
        expect(dx).toBeLessThan(1e-6);
      }
    } finally {
      solver.dispose();
    }
  });

  it('prepareScreening sets the smaller problem up ahead of the price update: the first re-solve only updates it', () => {
    // Not prepared by the cold solve (`solver.prepareScreening: false`): by hand, or not at all.
    const prep = preparePortfolio(tables, screenedConfig('on', false));
    const solver = new PortfolioSolver(prep.qp, prep.config);
    const plain = new PortfolioSolver(prep.qp, prep.config);
    try {
      expect(solver.prepareScreening()).toBe(false); // nothing solved yet
      expect(solver.solve().info.interiorPoint?.screeningPrepared).toBeUndefined();
      plain.solve();
      expect(solver.prepareScreening()).toBe(true);
      expect(solver.prepareScreening()).toBe(true); // already prepared: nothing more to do
      let cur = prep;
      for (let k = 0; k < 2; k++) {
        cur = repricePortfolio(cur, moved(cur, 30 + k, 0.01));
        solver.update(cur.qp);
        plain.update(cur.qp);
        const warm = solver.solve();
        const ref = plain.solve();
        const info = warm.info.interiorPoint?.screening;
        expect(info?.setUp).toBe(false);
        expect(ref.info.interiorPoint?.screening?.setUp).toBe(k === 0);
        expect(info?.gaveUp).toBeUndefined();
        expect(info?.freeInstruments).toBe(ref.info.interiorPoint?.screening?.freeInstruments);
        expect(warm.info.kktOk).toBe(true);
        expect(Math.abs(warm.info.kkt.objective - ref.info.kkt.objective)).toBeLessThan(1e-7 * Math.abs(ref.info.kkt.objective));
      }
    } finally {
      solver.dispose();
      plain.dispose();
    }
    // Screening off: nothing to prepare.
    const off = new PortfolioSolver(prep.qp, { ...prep.config, solver: { ...prep.config.solver, screening: 'off' } });
    try {
      off.solve();
      expect(off.prepareScreening()).toBe(false);
    } finally {
      off.dispose();
    }
  });

  /** The same book with the alpha of every fifth instrument reversed: many held names now want to trade. */
  const flipped = (): PortfolioTables => {
    const alpha = tables.alpha as NonNullable<PortfolioTables['alpha']>;
    return { ...tables, alpha: { ...alpha, rows: alpha.rows.map((r, i) => (i % 5 === 0 ? { ...r, alpha: -3 * r.alpha } : r)) } };
  };

  it('frees the held instruments that object when the alphas move, and still reaches the cold optimum', () => {
    const prep = preparePortfolio(tables, screenedConfig('off'));
    const start = fullStart(prep);
    const next = preparePortfolio(flipped(), screenedConfig('off'));
    const r = screenedSolve(prep, next, start, { margin: 0 });
    expect(r.info.gaveUp).toBeUndefined();
    expect(r.info.freed).toBeGreaterThan(0);
    expect(r.info.rounds).toBeGreaterThan(1);
    expectFullOptimum(next, r.x!, r.y!);
  });

  it('frees a held instrument whose position a price move pushes past its cap', () => {
    const prep = preparePortfolio(tables, screenedConfig('off'));
    const start = fullStart(prep);
    const L = prep.qp.layout;
    // An idle equity holding of 0.6–1.4 % of NAV (cap 1.5 %): priced up to 1.55 % of NAV, it must trade.
    const idle = prep.universe.instruments.find((u) => {
      const i = u.index;
      const x0 = prep.qp.problem.l[i] as number;
      return u.type === 'Equity' && Math.abs((start.x[L.up + i] as number) - (start.x[L.um + i] as number)) < 1e-12 && Math.abs(x0) > 0.006 && Math.abs(x0) < 0.014;
    });
    expect(idle).toBeDefined();
    const x0 = prep.qp.problem.l[idle!.index] as number;
    const next = repricePortfolio(prep, new Map([[idle!.id, (idle!.price * 0.0155) / Math.abs(x0)]]));
    const r = screenedSolve(prep, next, start, { margin: 0 });
    expect(r.info.gaveUp).toBeUndefined();
    expect(r.info.freed).toBeGreaterThanOrEqual(1);
    expect(Math.abs(r.x![idle!.index] as number)).toBeLessThanOrEqual(0.015 + 1e-9);
    expectFullOptimum(next, r.x!, r.y!);
  });

  it('gives up after its rounds, saying why, and the solver then solves the full problem', () => {
    const prep = preparePortfolio(tables, screenedConfig('off'));
    const start = fullStart(prep);
    const next = preparePortfolio(flipped(), screenedConfig('off'));
    const r = screenedSolve(prep, next, start, { margin: 0, maxRounds: 1 });
    expect(r.x).toBeUndefined();
    expect(r.info.gaveUp).toBe('held instruments still objected after 1 rounds');
    expect(r.info.freed).toBeGreaterThan(0);
    // Through the solver: the screened attempt gives up and the full problem is solved warm.
    const solver = new PortfolioSolver(prep.qp, { ...prep.config, solver: { ...prep.config.solver, screening: 'on' } }, { screening: { margin: 0, maxRounds: 1 } });
    try {
      solver.solve();
      solver.update(next.qp);
      const warm = solver.solve();
      expect(warm.info.interiorPoint?.warm).toBe(true);
      expect(warm.info.interiorPoint?.screening?.gaveUp).toBe('held instruments still objected after 1 rounds');
      expect(warm.info.interiorPoint?.iterations).toBeGreaterThan(0);
      expect(warm.info.kktOk).toBe(true);
      const cold = coldObjective(next);
      expect(Math.abs(warm.info.kkt.objective - cold.objective)).toBeLessThan(1e-7 * Math.abs(cold.objective));
    } finally {
      solver.dispose();
    }
  });

  it('is used by `auto` from 5,000 instruments up, and never with `off`', () => {
    const prep = preparePortfolio(tables, screenedConfig('off'));
    const solver = new PortfolioSolver(prep.qp, { ...prep.config, solver: { ...prep.config.solver, screening: 'auto' } });
    try {
      solver.solve();
      const next = repricePortfolio(prep, moved(prep, 40, 0.01));
      solver.update(next.qp);
      const warm = solver.solve();
      expect(warm.info.interiorPoint?.warm).toBe(true);
      expect(warm.info.interiorPoint?.screening).toBeUndefined();
      expect(warm.info.kktOk).toBe(true);
    } finally {
      solver.dispose();
    }
  });
});
