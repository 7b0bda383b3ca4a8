import { solveQp, type QpSettings } from '@keel/solver-native/qp';
import { refineAlmgrenChrissActiveSet } from './almgren-chriss-active-set.js';
import { almgrenChrissConstants, almgrenChrissTrajectory, evaluateAlmgrenChriss } from './almgren-chriss.js';
import { evaluateBaseline, improvementPct, twapSchedule, vwapSchedule } from './baselines.js';
import { evaluateCost } from './evaluate.js';
import { buildExecutionProblem, capacity, type ExecutionProblem } from './problem.js';
import { buildAlmgrenChrissQp, type QpSolveFn } from './qp-form.js';
import { roundSchedule } from './round.js';
import { parseExecutionRequest } from './schema.js';
import { solveLinearImpact, solvePowerLawImpact, solvePowerLawImpactSearch } from './solve-separable.js';
import type { AlmgrenChrissInfo, ExecutionInfo, ExecutionResult, ExecutionSolver, ExecutionStatus, SensitivityRow } from './types.js';
import { validateSchedule } from './validate.js';

export interface ExecutionSettings {
  /** Relative tolerance of the KKT check that decides `optimal` (default 1e-9). */
  readonly kktTolerance?: number;
  /**
   * Almgren–Chriss when a cap binds (the closed form no longer applies): `qp` (default) solves the
   * tridiagonal QP with the generic solver and refines its answer by exact active-set steps;
   * `active_set` runs the same exact steps from the clipped closed form, without the QP solver.
   */
  readonly capped?: 'qp' | 'active_set';
  /** The QP solver to use (default `solveQp` of `@keel/solver-native/qp`, backend per KEEL_BACKEND). */
  readonly qp?: QpSolveFn;
  /** Settings passed to the QP solver (defaults: epsAbs = epsRel = 1e-9, maxIter 20,000, polish). */
  readonly qpSettings?: Readonly<Record<string, number | boolean>>;
  /**
   * Order sizes for the sensitivity table: true = the request's `sensitivityShares` or
   * S × (0.5, 0.75, 1, 1.5, 2) (seed 04 §9 at S = 100,000); an array = those sizes; false = none.
   */
  readonly sensitivity?: boolean | readonly number[];
}

export const SENSITIVITY_FACTORS = [0.5, 0.75, 1, 1.5, 2] as const;

const DEFAULT_QP_SETTINGS = { epsAbs: 1e-9, epsRel: 1e-9, maxIter: 20_000, polish: true } as const;

const defaultQp: QpSolveFn = (form, settings) => solveQp(form, settings as Partial<QpSettings>);

interface ContinuousSolution {
  readonly x: Float64Array;
  readonly solver: ExecutionSolver;
  readonly qp?: ExecutionInfo['qp'];
  readonly closedFormFeasible?: boolean;
}

/** Validates the request (InputError with JSON paths), then solves it. */
export function solveExecution(request: unknown, settings: ExecutionSettings = {}): ExecutionResult {
  const req = parseExecutionRequest(request);
  const problem = buildExecutionProblem(req);
  const result = solveExecutionProblem(problem, settings);
  const sizes =
    settings.sensitivity === undefined || settings.sensitivity === false
      ? null
      : settings.sensitivity === true
        ? (req.sensitivityShares ?? SENSITIVITY_FACTORS.map((f) => Math.round(f * req.totalShares)))
        : settings.sensitivity;
  if (!sizes) return result;
  return { ...result, sensitivity: sizes.map((s) => sensitivityRow(solveExecutionProblem({ ...problem, totalShares: s }, settings))) };
}

/** Solves a compiled problem (`buildExecutionProblem`); the request is assumed valid. */
export function solveExecutionProblem(problem: ExecutionProblem, settings: ExecutionSettings = {}): ExecutionResult {
  const t0 = performance.now();
  const { totalShares: S, intervals: N, caps } = problem;
  const tolerance = settings.kktTolerance ?? 1e-9;
  const room = capacity(caps);

  let status: ExecutionStatus;
  let sol: ContinuousSolution;
  let shortfall = 0;
  if (room < S) {
    // Not an error: the answer is that the caps hold only `room` shares. Report the most that fits.
    status = 'infeasible';
    shortfall = S - room;
    sol = { x: Float64Array.from(caps), solver: 'trivial' };
  } else if (S === 0) {
    status = 'optimal';
    sol = { x: new Float64Array(N), solver: 'trivial' };
  } else {
    sol = solveContinuous(problem, settings);
    status = 'optimal'; // provisional; the KKT check below decides
  }
  const kkt = status === 'infeasible' ? null : validateSchedule(problem, sol.x, tolerance);
  if (kkt && !kkt.ok) status = 'inaccurate';
  const solveTimeMs = performance.now() - t0;

  const target = status === 'infeasible' ? room : S;
  const schedule = roundSchedule(sol.x, caps, target);
  const cost = evaluateCost(problem.impact, schedule);
  const continuousCost = evaluateCost(problem.impact, sol.x);
  const twap = evaluateBaseline(problem, twapSchedule(S, N));
  const vwap = problem.volume ? evaluateBaseline(problem, vwapSchedule(S, problem.volume)) : null;
  const feasible = status !== 'infeasible';

  let almgrenChriss: AlmgrenChrissInfo | undefined;
  if (problem.impact.model === 'almgrenChriss') {
    const c = almgrenChrissConstants(problem.impact);
    const holdings = new Array<number>(N + 1).fill(0);
    for (let k = N - 1; k >= 0; k--) holdings[k] = holdings[k + 1]! + sol.x[k]!;
    const m = evaluateAlmgrenChriss(problem.impact, sol.x);
    almgrenChriss = {
      kappa: c.kappa,
      kappaTilde: c.kappaTilde,
      etaTilde: c.etaTilde,
      holdings,
      expectedCost: m.expectedCost,
      variance: m.variance,
      closedFormFeasible: sol.closedFormFeasible ?? false,
    };
  }

  return {
    status,
    totalShares: S,
    intervals: N,
    schedule,
    continuous: Array.from(sol.x),
    cost,
    continuousCost,
    costPerShare: S > 0 ? cost / S : 0,
    baselines: { twap: twap.info, ...(vwap ? { vwap: vwap.info } : {}) },
    improvementPct: {
      vsTwap: feasible ? improvementPct(twap.info.cost, cost) : null,
      ...(vwap ? { vsVwap: feasible ? improvementPct(vwap.info.cost, cost) : null } : {}),
    },
    shortfall,
    info: {
      model: problem.impact.model,
      solver: sol.solver,
      solveTimeMs,
      caps: problem.hasCaps ? Array.from(caps, (c) => (Number.isFinite(c) ? c : null)) : null,
      kkt,
      ...(sol.qp ? { qp: sol.qp } : {}),
      ...(almgrenChriss ? { almgrenChriss } : {}),
    },
  };
}

function solveContinuous(problem: ExecutionProblem, settings: ExecutionSettings): ContinuousSolution {
  const { impact, caps, totalShares: S } = problem;
  switch (impact.model) {
    case 'linear': {
      const r = solveLinearImpact(impact.beta, caps, S);
      return { x: r.x, solver: r.solver };
    }
    case 'powerLaw': {
      const r =
        typeof impact.exponent === 'number'
          ? solvePowerLawImpact(impact.eta, impact.exponent, caps, S)
          : solvePowerLawImpactSearch(impact.eta, impact.exponent, caps, S);
      return { x: r.x, solver: r.solver };
    }
    case 'almgrenChriss':
      return solveAlmgrenChrissCapped(problem, settings);
  }
}

function solveAlmgrenChrissCapped(problem: ExecutionProblem, settings: ExecutionSettings): ContinuousSolution {
  if (problem.impact.model !== 'almgrenChriss') throw new Error('unreachable');
  const p = problem.impact;
  const { caps, totalShares: S, intervals: N } = problem;
  const closed = almgrenChrissTrajectory(p, S, N);
  let fits = true;
  for (let k = 0; k < N; k++) if (!(closed.trades[k]! >= 0 && closed.trades[k]! <= caps[k]!)) fits = false;
  // The closed form minimises the problem without caps; if it respects them it is the answer.
  if (fits) return { x: closed.trades, solver: 'closed_form', closedFormFeasible: true };

  if ((settings.capped ?? 'qp') === 'qp' && N > 1) {
    const built = buildAlmgrenChrissQp(p, S, caps);
    let res: ReturnType<QpSolveFn> | null = null;
    let error: string | undefined;
    try {
      res = (settings.qp ?? defaultQp)(built.form, { ...DEFAULT_QP_SETTINGS, ...settings.qpSettings });
    } catch (e) {
      // A failing QP backend must not sink the request: the exact steps below do not need it.
      error = (e as Error)?.message ?? String(e);
    }
    const guess = res && res.x.length === N - 1 ? built.toTrades(res.x) : clip(closed.trades, caps);
    // The QP's answer is accurate to its tolerances; the active set it implies is then solved
    // exactly (and corrected if a bound was misread), which is what makes the result exact.
    const refined =
      refineAlmgrenChrissActiveSet(p, S, caps, guess, res ? 1e-6 * S : 0) ?? refineAlmgrenChrissActiveSet(p, S, caps, clip(closed.trades, caps), 0);
    const qp = {
      status: res ? res.status : 'error',
      iterations: res ? res.info.iterations : 0,
      backend: res ? res.info.backend : 'none',
      refined: refined !== null,
      ...(error ? { error } : {}),
    };
    return { x: refined ? refined.trades : projectFeasible(guess, caps, S), solver: 'qp', qp, closedFormFeasible: false };
  }
  const refined = refineAlmgrenChrissActiveSet(p, S, caps, clip(closed.trades, caps), 0);
  return {
    x: refined ? refined.trades : projectFeasible(clip(closed.trades, caps), caps, S),
    solver: 'active_set',
    closedFormFeasible: false,
  };
}

const clip = (x: Float64Array, caps: Float64Array): Float64Array => Float64Array.from(x, (v, k) => Math.min(Math.max(v, 0), caps[k]!));

/**
 * A feasible schedule near x (clamped, then the surplus or deficit spread in proportion to each
 * bin's room): used only when the exact refinement fails, so the answer stays tradeable and the
 * KKT check reports how far from optimal it is.
 */
function projectFeasible(x: ArrayLike<number>, caps: Float64Array, total: number): Float64Array {
  const y = Float64Array.from(x as ArrayLike<number>, (v, k) => Math.min(Math.max(v, 0), caps[k]!));
  let sum = 0;
  for (let k = 0; k < y.length; k++) sum += y[k]!;
  const d = total - sum;
  if (d > 0) {
    let unlimited = 0;
    let room = 0;
    for (let k = 0; k < y.length; k++) {
      if (!Number.isFinite(caps[k]!)) unlimited++;
      else room += caps[k]! - y[k]!;
    }
    for (let k = 0; k < y.length; k++) {
      if (unlimited > 0) {
        if (!Number.isFinite(caps[k]!)) y[k]! += d / unlimited;
      } else y[k]! += (d * (caps[k]! - y[k]!)) / room;
    }
  } else if (d < 0 && sum > 0) {
    for (let k = 0; k < y.length; k++) y[k] = y[k]! * (total / sum);
  }
  return y;
}

function sensitivityRow(r: ExecutionResult): SensitivityRow {
  return {
    totalShares: r.totalShares,
    status: r.status,
    cost: r.cost,
    twapCost: r.baselines.twap.cost,
    vwapCost: r.baselines.vwap?.cost ?? null,
    improvementVsTwapPct: r.improvementPct.vsTwap,
    improvementVsVwapPct: r.improvementPct.vsVwap ?? null,
    cappedBins: r.info.kkt?.cappedBins ?? 0,
    shortfall: r.shortfall,
  };
}
