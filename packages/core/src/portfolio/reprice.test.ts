import { describe, expect, it } from 'vitest';
import { InputError } from '@keel/solver-native/errors';
import { generatePortfolioSample } from '../data/generate-sample.js';
import type { PortfolioTables } from '../data/tables.js';
import { createMulberry32Rng, mixSeed } from '../random/index.js';
import { buildPortfolioQp, repricePortfolioQp, type PortfolioQp } from './build-qp.js';
import type { PortfolioConfigInput } from './config.js';
import type { InstrumentBounds } from './instrument-bounds.js';
import { preparePortfolio, repricePortfolio, type PreparedPortfolio } from './run-portfolio.js';
import { SAMPLE_PORTFOLIO_CONFIG } from './sample-config.js';
import { PortfolioSolver } from './solve-portfolio.js';
import { microBook } from './test-support/micro-book.js';
import { microConfig } from './test-support/run-micro.js';

/**
 * The fast price update (`repricePortfolio`: values rewritten on the old pattern) against the
 * slow truth: `preparePortfolio` from scratch on tables whose positions carry the new prices.
 */

const REL = 1e-12;

/** Differences between two values, recursively (numbers to REL relative, ±Infinity exactly). */
function differences(a: unknown, b: unknown, path: string, out: string[]): void {
  if (out.length > 20) return;
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return;
    if (!(Number.isFinite(a) && Number.isFinite(b)) || Math.abs(a - b) > REL * Math.max(Math.abs(a), Math.abs(b))) out.push(`${path}: ${a} vs ${b}`);
    return;
  }
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    if (a.constructor !== b.constructor) out.push(`${path}: ${a.constructor.name} vs ${b.constructor.name}`);
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    if (x.length !== y.length) out.push(`${path}: length ${x.length} vs ${y.length}`);
    else for (let i = 0; i < x.length && out.length <= 20; i++) differences(x[i], y[i], `${path}[${i}]`, out);
    return;
  }
  if (a instanceof Map && b instanceof Map) {
    differences([...a.entries()], [...b.entries()], path, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}: length ${a.length} vs ${b.length}`);
    else a.forEach((v, i) => differences(v, b[i], `${path}[${i}]`, out));
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.join() !== kb.join()) out.push(`${path}: keys ${ka.join()} vs ${kb.join()}`);
    else for (const k of ka) differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
    return;
  }
  if (a !== b) out.push(`${path}: ${String(a)} vs ${String(b)}`);
}

const expectSame = (a: unknown, b: unknown, what: string) => {
  const out: string[] = [];
  differences(a, b, what, out);
  expect(out).toEqual([]);
};

/** Owner constraints named by id (the objects differ between the two paths, their content must not). */
const ownerView = (o: PortfolioQp['lowerOwner'][number]) => (o ? { id: o.constraint.id, lower: o.constraint.lower, upper: o.constraint.upper, scale: o.constraint.scale, coef: o.coef } : null);
const boundsView = (b: InstrumentBounds) => ({
  ...b,
  posLoBy: b.posLoBy.map((c) => c?.id ?? null),
  posHiBy: b.posHiBy.map((c) => c?.id ?? null),
  tradeCapBy: b.tradeCapBy.map((c) => c?.id ?? null),
  fixedBy: b.fixedBy.map((c) => c?.id ?? null),
});
const qpView = (qp: PortfolioQp) => ({ ...qp, lowerOwner: qp.lowerOwner.map(ownerView), upperOwner: qp.upperOwner.map(ownerView), bounds: boundsView(qp.bounds) });

function expectSamePreparation(fast: PreparedPortfolio, full: PreparedPortfolio): void {
  expectSame(fast.universe, full.universe, 'universe');
  expectSame(fast.constraints, full.constraints, 'constraints');
  expectSame(fast.issues, full.issues, 'issues');
  expectSame(fast.diagnostics, full.diagnostics, 'diagnostics');
  expectSame(fast.conversions, full.conversions, 'conversions');
  expectSame(fast.packages, full.packages, 'packages');
  expectSame(qpView(fast.qp), qpView(full.qp), 'qp');
}

/** The tables with the positions' prices replaced. */
const withPrices = (tables: PortfolioTables, prices: ReadonlyMap<string, number>): PortfolioTables => {
  const pos = tables.positions as NonNullable<PortfolioTables['positions']>;
  return { ...tables, positions: { ...pos, rows: pos.rows.map((r) => (prices.has(r.instrument_id) ? { ...r, price: prices.get(r.instrument_id) as number } : r)) } };
};

/** Every instrument moves (σ 2%), a few by ±15%; NAV moves with them. */
function movedPrices(prep: PreparedPortfolio, seed: number): Map<string, number> {
  const rng = createMulberry32Rng(mixSeed(seed));
  return new Map(prep.universe.instruments.map((u, i) => [u.id, u.price * (i % 37 === 0 ? (i % 2 ? 1.15 : 0.85) : 1 + 0.02 * rng.normal())]));
}

/**
 * Money-unit bounds (they move with NAV once divided by it), soft instrument limits (their
 * rows carry the bound), no-new-shorts on ETFs (bound = the current notional), a money cash floor.
 */
const MONEY_CONFIG = {
  ...SAMPLE_PORTFOLIO_CONFIG,
  constraints: {
    instrument: {
      defaults: {
        positionNotional: { lower: -2e7, upper: 2e7, unit: 'money' },
        positionAdv: { upper: 0.5, soft: true, penalty: 0.01 },
        tradeNotional: { upper: 4e6, unit: 'money', soft: true, penalty: 0.01 },
        marginContribution: { upper: 3e6, unit: 'money' },
      },
      overrides: [
        { types: ['Future'], positionNotional: { lower: -1.5e8, upper: 1.5e8, unit: 'money' }, marginContribution: { upper: 2e7, unit: 'money', soft: true, penalty: 0.02 } },
        { types: ['ETF'], noNewShorts: true },
      ],
    },
    groups: [
      { by: 'sector', measure: 'net', lower: -4e7, upper: 4e7, unit: 'money' },
      { by: 'factor', factor: 'STY_MOMENTUM', lower: -8e7, upper: 8e7, unit: 'money' },
    ],
    portfolio: {
      ...SAMPLE_PORTFOLIO_CONFIG.constraints.portfolio,
      gross: { upper: 1.9e9, unit: 'money' },
      turnover: { upper: 3.5e8, unit: 'money' },
      cash: { USD: { lower: 1e6, unit: 'money' }, EUR: { lower: 0, unit: 'nav' } },
    },
  },
} as const satisfies PortfolioConfigInput;

describe('repricePortfolio (values only, on the old pattern)', () => {
  const tables = generatePortfolioSample({ instruments: 300, seed: 11 });

  it.each([
    ['the sample config (NAV units, margin with hedge credit, conversions, soft factor rows)', SAMPLE_PORTFOLIO_CONFIG],
    ['money units, soft instrument rows, no-new-shorts, a money cash floor', MONEY_CONFIG],
  ] as const)('equals preparePortfolio on the repriced tables: %s', (_name, config) => {
    const prep = preparePortfolio(tables, config);
    const prices = movedPrices(prep, 5);
    const fast = repricePortfolio(prep, prices);
    const full = preparePortfolio(withPrices(tables, prices), config);
    expect(Math.abs(fast.universe.nav / prep.universe.nav - 1)).toBeGreaterThan(1e-4); // NAV did move
    expectSamePreparation(fast, full);
    // A and q do not depend on prices: shared with the previous problem, not copied.
    expect(fast.qp.problem.A).toBe(prep.qp.problem.A);
    expect(fast.qp.problem.q).toBe(prep.qp.problem.q);
    // The previous preparation is untouched (a second reprice from it gives the same).
    expectSamePreparation(repricePortfolio(prep, prices), full);
    // Twice in a row (reprice of a repriced preparation) is the same as once.
    const back = new Map([...prices].map(([id, p]) => [id, p * 1.01]));
    expectSamePreparation(repricePortfolio(fast, back), preparePortfolio(withPrices(tables, back), config));
  });

  it('equals preparePortfolio on the repriced tables with FX factors (their rows carry cash / NAV)', () => {
    const fxTables = generatePortfolioSample({ instruments: 300, seed: 11, fxFactors: true });
    const config = { ...SAMPLE_PORTFOLIO_CONFIG, risk: { ...SAMPLE_PORTFOLIO_CONFIG.risk, fxFactors: true } };
    const prep = preparePortfolio(fxTables, config);
    expect(prep.universe.fxFactors.size).toBe(2);
    const prices = movedPrices(prep, 6);
    const fast = repricePortfolio(prep, prices);
    expect(Math.abs(fast.universe.nav / prep.universe.nav - 1)).toBeGreaterThan(1e-4);
    expectSamePreparation(fast, preparePortfolio(withPrices(fxTables, prices), config));
  });

  it('equals preparePortfolio after a large move that changes which limit binds each variable', () => {
    // Longs −15%, shorts +15%: NAV falls by a quarter or so, so NAV-relative limits tighten against ADV ones.
    const prep = preparePortfolio(tables, SAMPLE_PORTFOLIO_CONFIG);
    const prices = new Map(prep.universe.instruments.map((u) => [u.id, u.price * (u.shares0 > 0 ? 0.85 : 1.15)]));
    const fast = repricePortfolio(prep, prices);
    const ids = (qp: PortfolioQp) => [...qp.lowerOwner, ...qp.upperOwner].map((o) => o?.constraint.id ?? null);
    const before = ids(prep.qp);
    expect(ids(fast.qp).filter((id, v) => id !== before[v]).length).toBeGreaterThan(10);
    expectSamePreparation(fast, preparePortfolio(withPrices(tables, prices), SAMPLE_PORTFOLIO_CONFIG));
  });

  it('a warm re-solve after the fast update equals a cold solve of the repriced problem', () => {
    const prep = preparePortfolio(tables, SAMPLE_PORTFOLIO_CONFIG);
    const solver = new PortfolioSolver(prep.qp, prep.config);
    try {
      expect(solver.solve().info.kktOk).toBe(true);
      const prices = movedPrices(prep, 6);
      const fast = repricePortfolio(prep, prices);
      solver.update(fast.qp);
      const warm = solver.solve();
      const full = preparePortfolio(withPrices(tables, prices), SAMPLE_PORTFOLIO_CONFIG);
      const coldSolver = new PortfolioSolver(full.qp, full.config);
      const cold = coldSolver.solve();
      coldSolver.dispose();
      expect(warm.info.interiorPoint?.warm).toBe(true);
      expect(warm.info.kktOk && cold.info.kktOk).toBe(true);
      expect(Math.abs(warm.info.kkt.objective - cold.info.kkt.objective)).toBeLessThan(1e-7 * Math.abs(cold.info.kkt.objective));
      // Holdings are unique (specific risk makes the objective strictly convex in them; the
      // split, conversion and package variables need not be).
      let dx = 0;
      for (let i = 0; i < full.qp.layout.n; i++) dx = Math.max(dx, Math.abs((warm.x[i] as number) - (cold.x[i] as number)));
      expect(dx).toBeLessThan(1e-6); // NAV fractions
    } finally {
      solver.dispose();
    }
  });

  it('re-runs the pre-solve checks on the new values: a price move can make the limits contradict', () => {
    // A (1,000 shares at 100) is restricted, so it cannot trade; its cap is 110,000 money.
    const config = microConfig({ constraints: { instrument: { defaults: { positionNotional: { lower: -150_000, upper: 110_000 } } } } });
    const tablesA = microBook({ restrictions: [{ instrument_id: 'A', restricted: true, no_new_shorts: false, no_new_longs: false }] });
    const prep = preparePortfolio(tablesA, config);
    expect(repricePortfolio(prep, new Map([['A', 105]])).universe.nav).toBeGreaterThan(prep.universe.nav);
    let err: unknown;
    try {
      repricePortfolio(prep, new Map([['A', 120]]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const issues = (err as InputError).issues.map((i) => `${i.path} ${i.message}`);
    expect(issues).toEqual(['constraints.instrument.defaults.positionNotional vs restrictions.restricted A: the current position 1.2000e+5 must move to 1.1000e+5 (instrument:A:positionNotional) but it cannot trade (instrument:A:restricted) [instrument:A:positionNotional vs instrument:A:restricted]']);
    // The same contradiction from scratch, for the same reason.
    const pos = tablesA.positions as NonNullable<PortfolioTables['positions']>;
    expect(() => preparePortfolio({ ...tablesA, positions: { ...pos, rows: pos.rows.map((r) => (r.instrument_id === 'A' ? { ...r, price: 120 } : r)) } }, config)).toThrow(/cannot trade/);
  });

  it('rejects a bad price or an unknown id, naming it, before any work', () => {
    const prep = preparePortfolio(microBook(), microConfig());
    for (const bad of [NaN, 0, -5, Infinity]) {
      expect(() => repricePortfolio(prep, new Map([['C', 41], ['B', bad]]))).toThrowError(expect.objectContaining({ issues: [{ path: 'prices.B', message: `price must be a finite number > 0 (got ${bad})` }] }));
    }
    expect(() => repricePortfolio(prep, new Map([['C', 41], ['NOPE', 10]]))).toThrowError(expect.objectContaining({ issues: [{ path: 'prices.NOPE', message: 'unknown instrument' }] }));
  });

  it('repricePortfolioQp falls back to a full build when the structure differs', () => {
    const prep = preparePortfolio(tables, SAMPLE_PORTFOLIO_CONFIG);
    const other = preparePortfolio(tables, MONEY_CONFIG);
    const input = { universe: other.universe, config: other.config, constraints: other.constraints, conversions: other.conversions, packages: other.packages };
    expectSame(qpView(repricePortfolioQp(prep.qp, input)), qpView(buildPortfolioQp(input)), 'qp');
  });
});
