import { compareSymbols } from '../orders/orders-from-targets.js';
import type { ConstraintGroup, InfeasibilityDiagnosis } from './elastic.js';
import { evaluateRotationWeights, type ConstraintCheck, type ObjectiveSplit } from './evaluate.js';
import { offersMethod, type QpSolveFn, type QpSolveSettings, type QpStatus } from './qp-contract.js';
import type { QpMethod } from '@keel/solver-native/qp';
import { buildRotationQp, perNameBounds } from './qp-model.js';
import { kktCertificate, type KktCertificate } from './kkt.js';
import { buildRiskModel, type FactorRisk, type RiskModel } from './risk-model.js';
import type { EngineResult, RotationChange, RotationProblem } from './types.js';

export const QP_ROTATION_STATUSES = ['optimal', 'infeasible', 'inaccurate', 'not_solved'] as const;
export type QpRotationStatus = (typeof QP_ROTATION_STATUSES)[number];

export interface QpRotationInfo {
  readonly engine: 'qp';
  /**
   * `optimal`: the solver converged, the independent evaluator finds every constraint within
   * tolerance and the KKT certificate's relative duality gap is ≤ 1e-6. `infeasible`: no weights satisfy the constraints (`diagnosis` names them).
   * `inaccurate`: a point came back but the evaluator rejects it, or the solver stopped early.
   * `not_solved`: the solver failed without a point. Targets stay at the current weights unless optimal.
   */
  readonly status: QpRotationStatus;
  readonly solverStatus: QpStatus | 'not_run';
  readonly backend?: string;
  /** The algorithm of the pass whose point is reported. */
  readonly method?: QpMethod;
  /** ADMM iterations or interior-point (Newton) iterations of that pass. */
  readonly iterations: number;
  readonly polish?: string;
  readonly objective?: ObjectiveSplit;
  /** Optimality certificate of the accepted point (see kkt.ts). */
  readonly certificate?: KktCertificate;
  /** How many passes ran (see ROTATION_QP_IPM_SETTINGS): 1 when the first was accepted. */
  readonly passes: number;
  readonly checks: readonly ConstraintCheck[];
  readonly violations: readonly string[];
  readonly diagnosis?: InfeasibilityDiagnosis;
  /**
   * Where Σ came from (`factor`: the request's factor model) and the form the QP took it in:
   * `factor` (k auxiliary variables; also an exact factor form of a returns-based Σ with
   * k ≤ n/2) or `dense` (P = 2λΣ, n²/2 non-zeros).
   */
  readonly riskModel: { readonly source: RiskModel['source'] | 'factor'; readonly form: 'dense' | 'factor'; readonly shrinkage?: RiskModel['shrinkage']; readonly factors?: number };
  readonly size: { readonly names: number; readonly variables: number; readonly rows: number; readonly pNonzeros: number; readonly aNonzeros: number };
  /** `solve` includes each pass's evaluation and certificate; `evaluate` the final bookkeeping. */
  readonly timeMs: { readonly riskModel: number; readonly build: number; readonly solve: number; readonly evaluate: number; readonly total: number };
}

/**
 * Up to three passes, each accepted only when the solver says solved, the evaluator passes and
 * the KKT certificate, recomputed from the raw QP and (x, y), shows a relative duality gap
 * ≤ 1e-9 and a dual residual ≤ 1e-7:
 *  1. the interior point (`ipm`, to 1e-10), when the backend has one (native) and Σ is in factor
 *     form: 15–40 Newton steps on every sample variant measured, N = 300 to 3,000 (see README).
 *     Not with a dense Σ: each Newton step refactors the n²/2-entry KKT system, which ADMM
 *     factors once per ρ change (N = 1,000 sample: 4.4 s against 1.0 s);
 *  2. ADMM to 1e-6 with polishing (a solve on the guessed active set);
 *  3. ADMM itself to 1e-9 (thousands of iterations more).
 *
 * ADMM's ρ starts at 10 instead of the solver's 0.1 (adaptive ρ stays on). The problem is nearly
 * an LP (λ wᵀΣw is small next to zᵀw at weights of a few percent): multipliers are O(|z|) while
 * the weights are O(cap), so the step that balances them is ~1/cap. Measured on 48 sample
 * variants at N = 300 and 1,000 (long-only, λ = 1 and 10, long/short β-neutral, budget, high γ):
 * 75k iterations in all at ρ₀ = 10 against 205k at 0.1; 3 to 20 are equally good (see README).
 */
export const ROTATION_QP_IPM_SETTINGS: QpSolveSettings = Object.freeze({ method: 'ipm', epsAbs: 1e-10, epsRel: 1e-10, maxIter: 200 });
export const ROTATION_QP_FAST_SETTINGS: QpSolveSettings = Object.freeze({ method: 'admm', epsAbs: 1e-6, epsRel: 1e-6, polish: true, maxIter: 50_000, rho: 10 });
export const ROTATION_QP_SETTINGS: QpSolveSettings = Object.freeze({ method: 'admm', epsAbs: 1e-9, epsRel: 1e-9, polish: true, maxIter: 50_000, rho: 10 });
const CERT_GAP = 1e-9;
const CERT_DUAL = 1e-7;

export interface QpRotationOptions {
  readonly solve: QpSolveFn;
  /** Overrides both passes' settings (then a single pass runs with them). */
  readonly settings?: QpSolveSettings;
  /** Feasibility tolerance of the evaluator (weight units). */
  readonly tol?: number;
  /** Split every |·| instead of eliminating known signs (the original formulation; comparisons only). */
  readonly splitAll?: boolean;
  /** Keep a dense Σ dense even when it has an exact factor form (comparisons only). */
  readonly denseRisk?: boolean;
  /**
   * `auto` (default): the interior point first when the backend has one and Σ is in factor
   * form, then ADMM; `admm`:
   * the ADMM passes only; `ipm`: the interior point only. Ignored when `settings` is given.
   */
  readonly method?: 'auto' | QpMethod;
}

// Solver noise below this is not a trade.
const SNAP = 1e-9;

export function solveQpRotation(problem: RotationProblem, options: QpRotationOptions): EngineResult<QpRotationInfo> {
  const t0 = performance.now();
  const { universe, config } = problem;
  const n = universe.length;
  const current = Float64Array.from(universe, (u) => u.weight);
  const dense = problem.factorModel
    ? undefined
    : buildRiskModel({
        n,
        ...(problem.covariance ? { covariance: problem.covariance } : {}),
        ...(problem.correlation ? { correlation: problem.correlation } : {}),
        ...(problem.returns ? { returns: problem.returns } : {}),
        vols: universe.map((u) => u.vol),
        shrinkage: config.shrinkage,
        ...(config.shrinkage_intensity !== undefined ? { intensity: config.shrinkage_intensity } : {}),
      });
  // The QP takes Σ in factor form when the request gives one, or when the dense Σ has an exact
  // one with few factors (returns: k = T (+1)); the evaluator judges w against the dense Σ
  // whenever it exists.
  const exactFactor = dense?.factorForm && !options.denseRisk && dense.factorForm.factors.length <= n / 2 ? dense.factorForm : undefined;
  const qpRisk: Float64Array | FactorRisk = problem.factorModel ?? exactFactor ?? dense!.sigma;
  const sigma: Float64Array | FactorRisk = problem.factorModel ?? dense!.sigma;
  const t1 = performance.now();
  const form = qpRisk instanceof Float64Array ? ('dense' as const) : ('factor' as const);
  const riskInfo: QpRotationInfo['riskModel'] = dense
    ? { source: dense.source, form, ...(dense.shrinkage ? { shrinkage: dense.shrinkage } : {}), ...(exactFactor ? { factors: exactFactor.factors.length } : {}) }
    : { source: 'factor', form, factors: problem.factorModel!.factors.length };
  const base = { engine: 'qp' as const, riskModel: riskInfo };

  // A name whose cap and turnover band do not meet is infeasible on its own: say so without a solve.
  const empty = universe.filter((u) => {
    const b = perNameBounds(u, config);
    return b.lo > b.hi + 1e-12;
  });
  if (empty.length) {
    const groups: ConstraintGroup[] = ['per_name_cap', 'per_name_turnover'];
    if (config.long_only && empty.some((u) => u.weight < 0)) groups.push('long_only');
    return {
      targets: current,
      changes: [],
      info: {
        ...base,
        status: 'infeasible',
        solverStatus: 'not_run',
        iterations: 0,
        checks: [],
        violations: empty.map((u) => `${u.symbol}: weight ${u.weight} cannot reach [${config.long_only ? 0 : -config.per_name_cap}, ${config.per_name_cap}] within max_turnover_per_name ${config.max_turnover_per_name}`),
        diagnosis: { conflict: groups, relaxation: [], lpSolves: 0 },
        passes: 0,
        size: { names: n, variables: 0, rows: 0, pNonzeros: 0, aNonzeros: 0 },
        timeMs: { riskModel: t1 - t0, build: 0, solve: 0, evaluate: 0, total: performance.now() - t0 },
      },
    };
  }

  const qp = buildRotationQp(universe, config, qpRisk, options.splitAll ? { splitAll: true } : {});
  const t2 = performance.now();
  const size = { names: n, variables: qp.problem.n, rows: qp.problem.m, pNonzeros: qp.problem.P.values.length, aNonzeros: qp.problem.A.values.length };
  const weightsOf = (x: Float64Array): Float64Array => {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let v = x[qp.layout.w + i]!;
      if (Math.abs(v - current[i]!) < SNAP) v = current[i]!;
      else if (Math.abs(v) < SNAP) v = 0;
      w[i] = v;
    }
    return w;
  };
  const attempt = (settings: QpSolveSettings) => {
    const r = options.solve(qp.problem, settings);
    const hasPoint = r.x.length === qp.problem.n && r.x.every((v) => Number.isFinite(v));
    if (!hasPoint) return { r, hasPoint } as const;
    const w = weightsOf(r.x);
    const ev = evaluateRotationWeights(universe, config, sigma, w, options.tol);
    const certificate = r.y.length === qp.problem.m ? kktCertificate(qp.problem, r.x, r.y) : undefined;
    const certified = !!certificate && certificate.relativeGap <= CERT_GAP && certificate.dualResidual <= CERT_DUAL;
    return { r, hasPoint, w, ev, certificate, certified } as const;
  };
  // The passes in order (a `settings` override is the only pass); stop at the first accepted one
  // or at a proof of infeasibility.
  const method = options.method ?? 'auto';
  const plan: QpSolveSettings[] = options.settings
    ? [options.settings]
    : method === 'ipm'
      ? [ROTATION_QP_IPM_SETTINGS]
      : method === 'auto' && form === 'factor' && offersMethod(options.solve, 'ipm')
        ? [ROTATION_QP_IPM_SETTINGS, ROTATION_QP_FAST_SETTINGS, ROTATION_QP_SETTINGS]
        : [ROTATION_QP_FAST_SETTINGS, ROTATION_QP_SETTINGS];
  let passes = 0;
  let a!: ReturnType<typeof attempt>;
  for (const settings of plan) {
    passes++;
    a = attempt(settings);
    if (a.r.status === 'primal_infeasible' || (a.hasPoint && a.r.status === 'solved' && a.ev.pass && a.certified)) break;
  }
  const r = a.r;
  const t3 = performance.now();
  const solverInfo = { solverStatus: r.status, backend: r.info.backend, method: r.info.method, iterations: r.info.iterations, polish: r.info.polish, passes };

  if (r.status === 'primal_infeasible') {
    // The conflicting constraints are named by `diagnoseRotationInfeasibility` (HiGHS LPs,
    // asynchronous), which `rotate` runs; the engine itself stays synchronous for replay.
    return {
      targets: current,
      changes: [],
      info: {
        ...base,
        ...solverInfo,
        status: 'infeasible',
        checks: [],
        violations: [],
        size,
        timeMs: { riskModel: t1 - t0, build: t2 - t1, solve: t3 - t2, evaluate: 0, total: performance.now() - t0 },
      },
    };
  }
  if (!a.hasPoint) {
    return {
      targets: current,
      changes: [],
      info: { ...base, ...solverInfo, status: 'not_solved', checks: [], violations: [], size, timeMs: { riskModel: t1 - t0, build: t2 - t1, solve: t3 - t2, evaluate: 0, total: performance.now() - t0 } },
    };
  }
  const { w, ev } = a;
  const t4 = performance.now();
  // Optimal = converged, every constraint within tolerance (evaluator), and an optimality
  // certificate with a relative duality gap within the 1e-6 the objective is promised to.
  const certifiedOptimal = !a.certificate || a.certificate.relativeGap <= 1e-6;
  const status: QpRotationStatus = r.status === 'solved' && ev.pass && certifiedOptimal ? 'optimal' : 'inaccurate';
  const targets = status === 'optimal' ? w : current;
  const changes: RotationChange[] = [];
  if (status === 'optimal') {
    universe.forEach((u, i) => {
      if (w[i] !== u.weight) changes.push({ symbol: u.symbol, from: u.weight, to: w[i]!, reason: 'optimizer' });
    });
    changes.sort((a, b) => compareSymbols(a.symbol, b.symbol));
  }
  return {
    targets,
    changes,
    info: {
      ...base,
      ...solverInfo,
      status,
      objective: ev.objective,
      ...(a.certificate ? { certificate: a.certificate } : {}),
      checks: ev.checks,
      violations: ev.violations,
      size,
      timeMs: { riskModel: t1 - t0, build: t2 - t1, solve: t3 - t2, evaluate: t4 - t3, total: performance.now() - t0 },
    },
  };
}
