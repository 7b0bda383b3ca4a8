import { describe, expect, it } from 'vitest';
import { qpBackends } from '@keel/solver-native/qp';
import { createWarmQpSolve, qpSolveWith } from './qp-backend.js';
import { diagnoseRotationInfeasibility } from './elastic.js';
import { solveQpRotation } from './qp-engine.js';
import { buildRiskModel } from './risk-model.js';
import { parseRotationRequest, type RotationRequest } from './schema.js';
import { createMulberry32Rng, createRng } from '../random/index.js';
import { solveReferenceRotationQp } from './test-support/reference-qp.js';
import type { RotationProblem } from './types.js';


/** A seeded N-name request: one-factor-plus-sector correlation, betas, sectors, costs. */
function request(seed: number, n: number, config: Record<string, unknown>, weight: (i: number) => number = () => 1 / n): RotationRequest {
  const rng = createMulberry32Rng(seed);
  const sectors = ['Tech', 'Energy', 'Health', 'Financials', 'Staples'];
  const m = Array.from({ length: n }, () => 0.3 + 0.4 * rng.next());
  const s = Array.from({ length: n }, () => 0.2 + 0.3 * rng.next());
  const sec = Array.from({ length: n }, (_, i) => i % sectors.length);
  const correlation = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : m[i]! * m[j]! + (sec[i] === sec[j] ? s[i]! * s[j]! : 0))));
  return {
    universe: Array.from({ length: n }, (_, i) => ({
      symbol: `N${String(i).padStart(3, '0')}`,
      z: rng.normal(),
      weight: weight(i),
      vol: 0.15 + 0.3 * rng.next(),
      beta: 0.6 + 0.8 * rng.next(),
      sector: sectors[sec[i]!]!,
      cost: 0.0002 + 0.002 * rng.next(),
    })),
    correlation,
    config,
  };
}

const sigmaOf = (p: RotationProblem) =>
  buildRiskModel({
    n: p.universe.length,
    ...(p.correlation ? { correlation: p.correlation } : {}),
    ...(p.covariance ? { covariance: p.covariance } : {}),
    ...(p.returns ? { returns: p.returns } : {}),
    vols: p.universe.map((u) => u.vol),
    shrinkage: p.config.shrinkage,
    ...(p.config.shrinkage_intensity !== undefined ? { intensity: p.config.shrinkage_intensity } : {}),
  }).sigma;

/** Every constraint recomputed here from the weights alone (a third, test-local check). */
function expectFeasible(p: RotationProblem, w: Float64Array, tol = 1e-6) {
  const c = p.config;
  let net = 0;
  let gross = 0;
  let turn = 0;
  let beta = 0;
  const sectors = new Map<string, number>();
  p.universe.forEach((u, i) => {
    const x = w[i]!;
    net += x;
    gross += Math.abs(x);
    turn += Math.abs(x - u.weight);
    beta += u.beta! * x;
    sectors.set(u.sector!, (sectors.get(u.sector!) ?? 0) + x);
    expect(Math.abs(x)).toBeLessThanOrEqual(c.per_name_cap + tol);
    expect(Math.abs(x - u.weight)).toBeLessThanOrEqual(c.max_turnover_per_name + tol);
    if (c.long_only) expect(x).toBeGreaterThanOrEqual(-tol);
  });
  if (c.budget !== undefined) expect(Math.abs(net - c.budget)).toBeLessThanOrEqual(tol);
  expect(Math.abs(net)).toBeLessThanOrEqual(c.max_net_exposure + tol);
  expect(gross).toBeLessThanOrEqual(c.max_gross_exposure + tol);
  expect(turn).toBeLessThanOrEqual(c.max_turnover + tol);
  expect(Math.abs(beta)).toBeLessThanOrEqual(c.beta_tolerance + tol);
  for (const v of sectors.values()) expect(Math.abs(v)).toBeLessThanOrEqual(c.sector_cap + tol);
}

const native = qpBackends().native;

describe.each([
  ['ts', true, ''],
  ['native', native.available, native.reason],
] as const)('QP rotation engine, %s backend (N = 50, against HiGHS on an independent formulation)', (backend, available, why) => {
  if (!available) {
    it.skip(`native backend unavailable: ${why}`, () => {});
    return;
  }
  const solve = qpSolveWith(backend);
  const cases: [string, number, Record<string, unknown>, ((i: number) => number) | undefined][] = [
    ['budget, long/short, beta-neutral band', 11, { budget: 1, max_net_exposure: 1, beta_tolerance: 1.2, max_turnover: 0.6, max_turnover_per_name: 0.08, lambda_risk: 0.5 }, undefined],
    ['net band without budget, tight beta', 12, { max_turnover: 0.8, beta_tolerance: 0.05, lambda_risk: 1 }, () => 0],
    ['long-only, sector caps bind', 13, { budget: 1, max_net_exposure: 1, long_only: true, sector_cap: 0.22, per_name_cap: 0.06, beta_tolerance: 2, max_turnover: 1 }, undefined],
    ['Ledoit–Wolf fixed intensity, high cost aversion', 14, { budget: 0.5, max_net_exposure: 0.6, beta_tolerance: 1, gamma_cost: 200, shrinkage: 'constant_correlation', shrinkage_intensity: 0.3 }, (i) => (i % 7 === 0 ? 0.05 : 0)],
  ];
  it.each(cases)('%s: optimal, every constraint holds, objective = reference to 1e-6', async (_label, seed, config, weight) => {
    const p = parseRotationRequest(request(seed, 50, config, weight));
    const r = solveQpRotation(p, { solve });
    expect(r.info.status, JSON.stringify([r.info.violations, r.info.polish, r.info.iterations, r.info.solverStatus, r.info.backend])).toBe('optimal');
    expect(r.info.checks.every((c) => c.pass)).toBe(true);
    expect(r.info.certificate!.relativeGap).toBeLessThanOrEqual(1e-6);
    expect(r.info.method).toBe('admm'); // dense Σ: ADMM factors its KKT system once per ρ, the interior point every step
    expectFeasible(p, r.targets);
    const ref = await solveReferenceRotationQp(p.universe, p.config, sigmaOf(p));
    expect(ref.status).toBe('optimal');
    const rel = Math.abs(r.info.objective!.value - ref.objective) / Math.max(1e-12, Math.abs(ref.objective));
    expect(rel).toBeLessThan(1e-6);
    // Something binds: the constraints are doing work, not a trivially unconstrained optimum.
    expect(r.info.checks.some((c) => c.binding)).toBe(true);
    for (const ch of r.changes) expect(ch.reason).toBe('optimizer');
  });

  it('reports beta tolerance impossible with the caps as infeasible and names the conflict', async () => {
    // β ∈ [0.6, 1.4], Σw = 1, |wᵢ| ≤ 0.05: |βᵀw − 1| ≤ 0.4 · 50 · 0.05 = 1, so β-neutral needs more
    // than the caps allow once gross is limited too… the deletion filter says which.
    const p = parseRotationRequest(
      request(21, 50, { budget: 1, max_net_exposure: 1, per_name_cap: 0.03, max_gross_exposure: 10, beta_tolerance: 0.05, max_turnover: 10, max_turnover_per_name: 1, sector_cap: 1 }, () => 0),
    );
    const r = solveQpRotation(p, { solve });
    expect(r.info.status).toBe('infeasible');
    expect(Array.from(r.targets)).toEqual(p.universe.map((u) => u.weight));
    const d = await diagnoseRotationInfeasibility(p.universe, p.config);
    expect(d.conflict).toEqual(['budget', 'beta', 'per_name_cap']);
    expect(d.relaxation.length).toBeGreaterThan(0);
    // Independent check with HiGHS: the conflict alone is infeasible, and dropping any one of its
    // members makes the rest feasible (irreducible).
    const all = ['budget', 'net', 'gross', 'turnover', 'beta', 'per_name_cap', 'per_name_turnover', ...['Tech', 'Energy', 'Health', 'Financials', 'Staples'].map((s) => `sector:${s}`)];
    const sigma = sigmaOf(p);
    const only = (keep: string[]) => new Set(all.filter((g) => !keep.includes(g)));
    expect((await solveReferenceRotationQp(p.universe, p.config, sigma, { omit: only(d.conflict as string[]), feasibilityOnly: true })).status).toBe('infeasible');
    for (const g of d.conflict) {
      const rest = (d.conflict as string[]).filter((x) => x !== g);
      expect((await solveReferenceRotationQp(p.universe, p.config, sigma, { omit: only(rest), feasibilityOnly: true })).status, `without ${g}`).toBe('optimal');
    }
  });

  it('names a name whose cap and turnover band cannot meet, without a solve', () => {
    const p = parseRotationRequest(request(22, 10, { budget: 1, max_net_exposure: 1, per_name_cap: 0.2, max_turnover_per_name: 0.05 }, (i) => (i === 3 ? 0.4 : 0.6 / 9)));
    const r = solveQpRotation(p, { solve });
    expect(r.info.status).toBe('infeasible');
    expect(r.info.solverStatus).toBe('not_run');
    expect(r.info.diagnosis?.conflict).toEqual(['per_name_cap', 'per_name_turnover']);
    expect(r.info.violations[0]).toMatch(/^N003:/);
  });

  it('a covariance gives the same answer as the correlation and vols it came from', () => {
    const req = request(23, 20, { budget: 1, max_net_exposure: 1, beta_tolerance: 2, max_turnover: 1 });
    const p = parseRotationRequest(req);
    const sigma = sigmaOf(p);
    const n = 20;
    const covariance = Array.from({ length: n }, (_, i) => Array.from(sigma.subarray(i * n, (i + 1) * n)));
    const q = parseRotationRequest({ ...req, correlation: undefined, covariance });
    const a = solveQpRotation(p, { solve });
    const b = solveQpRotation(q, { solve });
    expect(a.info.status).toBe('optimal');
    expect(b.info.riskModel.source).toBe('covariance');
    expect(Math.abs(a.info.objective!.value - b.info.objective!.value)).toBeLessThan(1e-7);
  });

  it('estimates the Ledoit–Wolf intensity from returns when given', () => {
    const req = request(24, 12, { budget: 1, max_net_exposure: 1, beta_tolerance: 2, max_turnover: 1, shrinkage: 'identity' });
    const rng = createMulberry32Rng(99);
    const returns = Array.from({ length: 40 }, () => Array.from({ length: 12 }, () => 0.01 * rng.normal()));
    const r = solveQpRotation(parseRotationRequest({ ...req, returns }), { solve });
    expect(r.info.status).toBe('optimal');
    expect(r.info.riskModel.shrinkage?.estimated).toBe(true);
    expect(r.info.riskModel.shrinkage!.intensity).toBeGreaterThan(0);
  });
});

describe('warm QP solves across a sequence (replay)', () => {
  it('reuses one workspace for same-pattern problems and agrees with cold solves', () => {
    const warm = createWarmQpSolve();
    try {
      for (const seed of [31, 32, 33]) {
        // Same sparsity every time (same n, sectors, betas present); scores, weights and vols change.
        const p = parseRotationRequest(request(seed, 30, { budget: 1, max_net_exposure: 1, beta_tolerance: 2, max_turnover: 0.5 }));
        const a = solveQpRotation(p, { solve: warm });
        const b = solveQpRotation(p, { solve: qpSolveWith('ts') });
        expect(a.info.status).toBe('optimal');
        expect(Math.abs(a.info.objective!.value - b.info.objective!.value)).toBeLessThan(1e-7 * Math.max(1, Math.abs(b.info.objective!.value)));
      }
      expect(warm.stats).toEqual({ setups: 1, updates: 2 });
    } finally {
      warm.dispose();
    }
  });
});

/**
 * A seeded N-name request with a factor model: market, one factor per sector and a style factor
 * with a full (non-diagonal) factor covariance; loadings by symbol, specific vols.
 */
function factorRequest(seed: number, n: number, config: Record<string, unknown>, weight: (i: number) => number = () => 1 / n): RotationRequest {
  const rng = createRng(seed);
  const sectors = ['Tech', 'Energy', 'Health', 'Financials', 'Staples'];
  const factors = ['market', ...sectors, 'value'];
  const k = factors.length;
  // F = G Gᵀ / k + 0.005 I: PSD, correlated factors, annual variances of a few percent.
  const g = Array.from({ length: k }, () => Array.from({ length: k }, () => 0.15 * rng.normal()));
  const covariance = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => g[a]!.reduce((s, v, c) => s + v * g[b]![c]!, 0) / k + (a === b ? 0.005 : 0)));
  const universe = Array.from({ length: n }, (_, i) => ({
    symbol: `F${String(i).padStart(3, '0')}`,
    z: rng.normal(),
    weight: weight(i),
    beta: 0.6 + 0.8 * rng.next(),
    sector: sectors[i % sectors.length]!,
    cost: 0.0002 + 0.002 * rng.next(),
  }));
  const loadings = Object.fromEntries(universe.map((u) => [u.symbol, { market: 0.7 + 0.6 * rng.next(), [u.sector]: 0.6 * rng.next(), value: 0.5 * rng.normal() }]));
  const specificVol = Object.fromEntries(universe.map((u) => [u.symbol, 0.1 + 0.2 * rng.next()]));
  return { universe, factorModel: { factors, loadings, covariance, specificVol }, config };
}

/** Σ = BFBᵀ + D written out here from the request's JSON (independent of the engine's code). */
function denseCovarianceOf(req: RotationRequest): number[][] {
  const fm = req.factorModel!;
  const F = fm.covariance;
  const rows = req.universe.map((u) => fm.factors.map((f) => (fm.loadings as Record<string, Record<string, number>>)[u.symbol]![f] ?? 0));
  const spec = req.universe.map((u) => (fm.specificVol as Record<string, number>)[u.symbol]! ** 2);
  return rows.map((bi, i) =>
    rows.map((bj, j) => {
      let s = i === j ? spec[i]! : 0;
      for (let a = 0; a < bi.length; a++) for (let b = 0; b < bj.length; b++) s += bi[a]! * F[a]![b]! * bj[b]!;
      return s;
    }),
  );
}

describe.each([
  ['ts', true, ''],
  ['native', native.available, native.reason],
] as const)('QP rotation engine, factor-form risk, %s backend (N = 50)', (backend, available, why) => {
  if (!available) {
    it.skip(`native backend unavailable: ${why}`, () => {});
    return;
  }
  const solve = qpSolveWith(backend);
  const cases: [string, number, Record<string, unknown>, ((i: number) => number) | undefined][] = [
    ['budget, long/short, beta band', 41, { budget: 1, max_net_exposure: 1, beta_tolerance: 1.2, max_turnover: 0.6, max_turnover_per_name: 0.08, lambda_risk: 0.5 }, undefined],
    ['net band from cash, tight beta, high risk aversion', 42, { max_turnover: 0.8, beta_tolerance: 0.05, lambda_risk: 5 }, () => 0],
    ['long-only, sector caps bind', 43, { budget: 1, max_net_exposure: 1, long_only: true, sector_cap: 0.22, per_name_cap: 0.06, beta_tolerance: 2, max_turnover: 1 }, undefined],
    ['some names held, high cost aversion', 44, { budget: 0.5, max_net_exposure: 0.6, beta_tolerance: 1, gamma_cost: 200 }, (i) => (i % 7 === 0 ? 0.05 : 0)],
  ];
  it.each(cases)('%s: optimal, feasible, objective = HiGHS on the dense Σ = BFBᵀ + D and = the dense path, to 1e-6', async (_label, seed, config, weight) => {
    const req = factorRequest(seed, 50, config, weight);
    const p = parseRotationRequest(req);
    const r = solveQpRotation(p, { solve });
    expect(r.info.riskModel).toEqual({ source: 'factor', form: 'factor', factors: 7 });
    expect(r.info.status, JSON.stringify([r.info.violations, r.info.polish, r.info.iterations, r.info.solverStatus])).toBe('optimal');
    expectFeasible(p, r.targets);
    expect(r.info.checks.some((c) => c.binding)).toBe(true);
    // P holds n specific variances and the k × k factor block's upper triangle, nothing n × n.
    expect(r.info.size.pNonzeros).toBeLessThanOrEqual(50 + (7 * 8) / 2);

    const covariance = denseCovarianceOf(req);
    const sigma = Float64Array.from(covariance.flat());
    const ref = await solveReferenceRotationQp(p.universe, p.config, sigma);
    expect(ref.status).toBe('optimal');
    expect(Math.abs(r.info.objective!.value - ref.objective) / Math.max(1e-12, Math.abs(ref.objective))).toBeLessThan(1e-6);

    const dense = solveQpRotation(parseRotationRequest({ ...req, factorModel: undefined, covariance }), { solve });
    expect(dense.info.status).toBe('optimal');
    expect(dense.info.riskModel.source).toBe('covariance');
    expect(Math.abs(r.info.objective!.value - dense.info.objective!.value) / Math.abs(dense.info.objective!.value)).toBeLessThan(1e-6);
    // The evaluator's risk term in factor form equals wᵀΣw with the dense Σ.
    let quad = 0;
    for (let i = 0; i < 50; i++) for (let j = 0; j < 50; j++) quad += r.targets[i]! * covariance[i]![j]! * r.targets[j]!;
    expect(r.info.objective!.risk).toBeCloseTo(p.config.lambda_risk * quad, 12);
  });

  it.each(['none', 'identity', 'constant_correlation'] as const)('returns (T = 12, N = 40), shrinkage %s: the exact factor form and the dense Σ give the same optimum', (shrinkage) => {
    // λ large enough that daily-return variances (~1e-4) weigh against the scores.
    const req = request(45, 40, { budget: 1, max_net_exposure: 1, beta_tolerance: 2, max_turnover: 1, shrinkage, lambda_risk: 2000 });
    const rng = createRng(46);
    const common = Array.from({ length: 12 }, () => rng.normal());
    const returns = common.map((c) => Array.from({ length: 40 }, () => 0.01 * (0.8 * c + rng.normal())));
    const p = parseRotationRequest({ ...req, correlation: undefined, returns });
    const a = solveQpRotation(p, { solve });
    const b = solveQpRotation(p, { solve, denseRisk: true });
    expect(a.info.riskModel).toMatchObject({ source: 'returns', form: 'factor', factors: shrinkage === 'constant_correlation' ? 13 : 12 });
    expect(b.info.riskModel.form).toBe('dense');
    expect(a.info.status).toBe('optimal');
    expect(b.info.status).toBe('optimal');
    expect(a.info.objective!.risk).toBeGreaterThan(0.05 * Math.abs(a.info.objective!.value));
    expect(Math.abs(a.info.objective!.value - b.info.objective!.value)).toBeLessThan(1e-7 * Math.abs(b.info.objective!.value));
    expect(a.info.size.pNonzeros).toBeLessThan(b.info.size.pNonzeros / 4);
  });

  it('auto runs the interior point first; forced ADMM reaches the same objective', () => {
    for (const [, seed, config, weight] of cases) {
      const p = parseRotationRequest(factorRequest(seed, 50, config, weight));
      const auto = solveQpRotation(p, { solve });
      const admm = solveQpRotation(p, { solve, method: 'admm' });
      expect(auto.info.method).toBe('ipm');
      expect(auto.info.passes).toBe(1);
      expect(admm.info.method).toBe('admm');
      expect(admm.info.status).toBe('optimal');
      expect(Math.abs(auto.info.objective!.value - admm.info.objective!.value)).toBeLessThan(1e-7 * Math.max(1, Math.abs(admm.info.objective!.value)));
    }
  });

  it('the original formulation (every |·| split) reaches the same objective as the reduced one', () => {
    for (const [, seed, config, weight] of cases) {
      const p = parseRotationRequest(factorRequest(seed, 50, config, weight));
      const a = solveQpRotation(p, { solve });
      const b = solveQpRotation(p, { solve, splitAll: true });
      expect(b.info.status).toBe('optimal');
      expect(b.info.size.variables).toBeGreaterThanOrEqual(a.info.size.variables);
      expect(b.info.size.rows).toBeGreaterThan(a.info.size.rows);
      expect(Math.abs(a.info.objective!.value - b.info.objective!.value)).toBeLessThan(1e-7 * Math.max(1, Math.abs(b.info.objective!.value)));
    }
  });
});
