// Maros–Meszaros at eps 1e-6 with polishing, on every available QP backend, side by side in
// one run (each problem solved by each backend in turn). Reported per backend:
//   solvedShare     status `solved` and objective within 1e-5 relative of the reference
//                   (absolute for the near-zero optima), point verified by check.ts
//   statusRightShare the status flag told the truth: `solved` verified by check.ts, or an
//                   honest non-claim (max_iter / time limit / inaccurate / numerical error);
//                   an infeasibility claim is wrong on this set (all problems are feasible
//                   and bounded) and so is an unverified `solved`
//   sgmMs           shifted geometric mean of setup + solve + polish wall time, shift 10 ms
//                   (time-limited runs count their time)
// and the native/TS speed ratio of the shifted geometric means. Both methods run: ADMM (keys
// `<backend>.*`, ratio `nativeVsTs`) and the interior point (`method: 'ipm'`, same settings —
// polish there means a few extra Newton steps —, keys `ipm.<backend>.*`, ratio
// `ipmNativeVsTs`). Full set in `pnpm bench`; `bench:ci` runs the small subset only.
import {
  findMarosMeszarosDir,
  loadMarosMeszarosIndex,
  loadMarosMeszarosProblem,
  MAROS_MESZAROS_SMALL,
  marosMeszarosMissingReason,
  matchesReference,
  validateQpResult,
  type MarosMeszarosEntry,
} from '@keel/solver-native/qp/reference';
import { createQpWorkspace, qpBackends, type QpBackend, type QpMethod, type QpProblem, type QpResult, type QpSettings } from '@keel/solver-native/qp';
import { writeJson, type BenchSuite } from '../harness.js';

export const MAROS_SETTINGS: Partial<QpSettings> = {
  epsAbs: 1e-6,
  epsRel: 1e-6,
  epsPrimInf: 1e-6,
  epsDualInf: 1e-6,
  polish: true,
  polishRefineIter: 10,
  maxIter: 20000,
  timeLimitSec: 20,
};
const SHIFT_MS = 10;

export interface MarosOutcome {
  readonly name: string;
  readonly backend: QpBackend;
  readonly method?: QpMethod;
  readonly status: string;
  readonly objective: number | null;
  readonly reference: number;
  readonly solved: boolean;
  readonly statusRight: boolean;
  readonly timeMs: number;
  readonly iterations: number;
  readonly reasons?: readonly string[];
}

/** Mean wall time of setup + solve, repeated for quick problems to smooth timer noise. */
function timedSolve(problem: QpProblem, settings: Partial<QpSettings>, backend: QpBackend): { result: QpResult; timeMs: number } {
  let result: QpResult | undefined;
  let total = 0;
  let runs = 0;
  do {
    const t0 = performance.now();
    const ws = createQpWorkspace(problem, settings, { backend });
    result = ws.solve();
    ws.dispose();
    total += performance.now() - t0;
    runs++;
  } while (total < 100 && runs < 20);
  return { result, timeMs: total / runs };
}

export function judge(entry: MarosMeszarosEntry, problem: QpProblem, backend: QpBackend, result: QpResult, timeMs: number): MarosOutcome {
  const check = validateQpResult(problem, result, { epsAbs: 1e-5, epsRel: 1e-5, epsInf: 1e-6 });
  const claimsSolution = result.status === 'solved';
  const claimsInfeasible = result.status === 'primal_infeasible' || result.status === 'dual_infeasible';
  const verified = claimsSolution && check.verified;
  return {
    name: entry.name,
    backend,
    status: result.status,
    objective: Number.isFinite(result.objective) ? result.objective : null,
    reference: entry.referenceObjective,
    solved: verified && matchesReference(entry, result.objective),
    statusRight: claimsSolution ? verified : !claimsInfeasible,
    timeMs,
    iterations: result.info.iterations,
    ...(claimsSolution && !verified ? { reasons: check.reasons } : {}),
  };
}

export const shiftedGeometricMean = (times: readonly number[], shift = SHIFT_MS): number =>
  times.length ? Math.exp(times.reduce((s, t) => s + Math.log(t + shift), 0) / times.length) - shift : NaN;

export const qpMarosSuite: BenchSuite = {
  name: 'qp-maros',
  inCi: true,
  async run({ ci }) {
    const dir = findMarosMeszarosDir();
    if (!dir) return { ratios: {}, figures: { skipped: marosMeszarosMissingReason() } };
    const small = new Set<string>(MAROS_MESZAROS_SMALL);
    const entries = loadMarosMeszarosIndex(dir).filter((e) => !ci || small.has(e.name));
    const native = qpBackends().native;
    const backends: QpBackend[] = native.available ? ['native', 'ts'] : ['ts'];
    const methods: QpMethod[] = ['admm', 'ipm'];
    const outcomes: MarosOutcome[] = [];
    for (const entry of entries) {
      const problem = loadMarosMeszarosProblem(entry, dir);
      for (const method of methods) {
        for (const backend of backends) {
          const { result, timeMs } = timedSolve(problem, { ...MAROS_SETTINGS, method }, backend);
          const o = { ...judge(entry, problem, backend, result, timeMs), method };
          outcomes.push(o);
          if (!ci) console.log(`  ${entry.name.padEnd(10)} ${method.padEnd(4)} ${backend.padEnd(6)} ${o.status.padEnd(18)} ${o.solved ? 'ok ' : '   '} ${timeMs.toFixed(1)} ms`);
        }
      }
    }
    writeJson(ci ? 'qp-maros-ci-problems' : 'qp-maros-problems', outcomes);
    const figures: Record<string, number | string | boolean> = {
      problems: entries.length,
      settings: JSON.stringify(MAROS_SETTINGS),
      nativeAvailable: native.available,
      ...(native.available ? {} : { nativeReason: native.reason }),
    };
    const ratios: Record<string, number> = {};
    for (const method of methods) {
      const prefix = method === 'admm' ? '' : `${method}.`;
      const sgm: Partial<Record<QpBackend, number>> = {};
      for (const backend of backends) {
        const mine = outcomes.filter((o) => o.backend === backend && o.method === method);
        figures[`${prefix}${backend}.solvedShare`] = round(mine.filter((o) => o.solved).length / mine.length);
        figures[`${prefix}${backend}.statusRightShare`] = round(mine.filter((o) => o.statusRight).length / mine.length);
        sgm[backend] = shiftedGeometricMean(mine.map((o) => o.timeMs));
        figures[`${prefix}${backend}.sgmMs`] = round(sgm[backend]!);
        figures[`${prefix}${backend}.unverifiedSolvedClaims`] = mine.filter((o) => o.status === 'solved' && !o.statusRight).map((o) => o.name).join(' ') || 'none';
        figures[`${prefix}${backend}.unsolved`] = mine.filter((o) => !o.solved).map((o) => o.name).join(' ') || 'none';
      }
      // how many times faster native is than TS, on the shifted geometric means
      if (sgm.native !== undefined && sgm.ts !== undefined) ratios[method === 'admm' ? 'nativeVsTs' : `${method}NativeVsTs`] = sgm.ts / sgm.native;
    }
    return { ratios, figures };
  },
};

const round = (v: number) => Math.round(v * 1e4) / 1e4;
