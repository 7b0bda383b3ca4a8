// Execution scheduling (seed 04): the exact solvers against the same problems solved by the
// generic QP solver (`@keel/solver-native/qp`, default backend, eps 1e-6 with polishing), at
// N = 390 (one-minute bins) and N = 23,400 (one-second bins), side by side in one benny suite per
// size. Problems are built outside the timed calls; every QP answer is compared with the exact one
// and the gap reported.
//   linear        Σ β_t x² under participation caps that bind: water-filling vs QP
//   power law     Σ η_t x^1.5: water-filling vs the safeguarded-Newton multiplier search (the
//                 generic QP cannot take a non-quadratic objective; with exponent 1 it is the
//                 linear case above)
//   Almgren–Chriss  paper's parameters over one day: closed form vs the tridiagonal QP; with a
//                 binding cap: QP + exact active-set refinement vs the active set alone
// Tracked ratios (floors.json): exact vs QP for linear and Almgren–Chriss at N = 390.
import {
  almgrenChrissTrajectory,
  buildAlmgrenChrissQp,
  buildExecutionProblem,
  buildSeparableQuadraticQp,
  refineAlmgrenChrissActiveSet,
  solveExecutionProblem,
  solveLinearImpact,
  solvePowerLawImpact,
  solvePowerLawImpactSearch,
  type ExecutionRequest,
} from '@keel/core/execution';
import { qpBackends, solveQp, type QpProblem, type QpSettings } from '@keel/solver-native/qp';
import { measure, speedup, type BenchCase, type BenchSuite } from '../harness.js';

const QP_SETTINGS: Partial<QpSettings> = { epsAbs: 1e-6, epsRel: 1e-6, polish: true, maxIter: 50_000 };
const AC = { sigma: 0.95, eta: 2.5e-6, gamma: 2.5e-7, epsilon: 0.0625, lambda: 1e-6 };

/** U-shaped day: volume, impact ∝ 1/√volume with a seeded wobble, 6% participation caps. */
function day(n: number) {
  const volume = new Float64Array(n);
  const beta = new Float64Array(n);
  let s = 12345;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let t = 0; t < n; t++) {
    const u = (t + 0.5) / n;
    volume[t] = (4e6 / n) * (0.55 + 1.8 * (2 * u - 1) ** 2) / 1.15;
    beta[t] = (0.01 / Math.sqrt(volume[t]! / (4e6 / n))) * (0.8 + 0.4 * rand());
  }
  const caps = Float64Array.from(volume, (v) => Math.floor(0.06 * v));
  return { volume, beta, caps, total: 200_000 };
}

const maxRelGap = (a: ArrayLike<number>, b: ArrayLike<number>, scale: number) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d / scale;
};

export const executionSuite: BenchSuite = {
  name: 'execution',
  inCi: true,
  async run({ ci }) {
    const figures: Record<string, number | string | boolean> = { qpBackend: qpBackends().default };
    const ratios: Record<string, number> = {};
    for (const N of [390, 23_400]) {
      const big = N > 390;
      const { volume, beta, caps, total } = day(N);
      const lin = buildSeparableQuadraticQp(beta, caps, total);
      const linExact = solveLinearImpact(beta, caps, total);
      const linQp = solveQp(lin.form as QpProblem, QP_SETTINGS);
      figures[`N=${N} linear capped bins`] = linExact.cappedBins;
      figures[`N=${N} linear QP`] = `${linQp.status}, ${linQp.info.iterations} it, max gap ${maxRelGap(lin.toShares(linQp.x), linExact.x, total / N).toExponential(1)} of S/N`;

      const eta = Float64Array.from(beta, (b) => b * 4);
      const plExact = solvePowerLawImpact(eta, 0.5, caps, total);
      const plSearch = solvePowerLawImpactSearch(eta, new Float64Array(N).fill(0.5), caps, total);
      figures[`N=${N} power law search`] = `${plSearch.iterations} it, max gap ${maxRelGap(plSearch.x, plExact.x, total / N).toExponential(1)} of S/N`;

      const acParams = { ...AC, tau: 1 / N };
      const noCaps = new Float64Array(N).fill(Infinity);
      const acQp = buildAlmgrenChrissQp(acParams, 1e6, noCaps);
      const acClosed = almgrenChrissTrajectory(acParams, 1e6, N).trades;
      const acQpRes = solveQp(acQp.form as QpProblem, QP_SETTINGS);
      figures[`N=${N} AC QP`] = `${acQpRes.status}, ${acQpRes.info.iterations} it, max gap ${maxRelGap(acQp.toTrades(acQpRes.x), acClosed, 1e6 / N).toExponential(1)} of X/N`;
      // A cap at 70% of the closed form's first-hour pace binds the front of the schedule.
      const acCaps = Float64Array.from(acClosed, (v, k) => (k < N / 6.5 ? Math.floor(0.7 * v) : Infinity));
      const acCapped = buildAlmgrenChrissQp(acParams, 1e6, acCaps);
      const clipped = Float64Array.from(acClosed, (v, k) => Math.min(v, acCaps[k]!));

      const cases: BenchCase[] = [
        { name: 'linear exact', fn: () => solveLinearImpact(beta, caps, total) },
        { name: 'power law exact', fn: () => solvePowerLawImpact(eta, 0.5, caps, total) },
        { name: 'power law search', fn: () => solvePowerLawImpactSearch(eta, new Float64Array(N).fill(0.5), caps, total) },
        { name: 'AC closed form', fn: () => almgrenChrissTrajectory(acParams, 1e6, N) },
        { name: 'AC capped active set', fn: () => refineAlmgrenChrissActiveSet(acParams, 1e6, acCaps, clipped, 0) },
      ];
      if (!big) {
        const request: ExecutionRequest = {
          totalShares: total,
          intervals: N,
          impact: { model: 'linear', beta: Array.from(beta) },
          volume: Array.from(volume),
          participation: 0.06,
        };
        const problem = buildExecutionProblem(request);
        cases.push({ name: 'linear full pipeline', fn: () => solveExecutionProblem(problem) });
      }
      const qpCases: BenchCase[] = [
        { name: 'linear QP', fn: () => solveQp(lin.form as QpProblem, QP_SETTINGS) },
        { name: 'AC QP', fn: () => solveQp(acQp.form as QpProblem, QP_SETTINGS) },
        {
          name: 'AC capped QP + refine',
          fn: () => {
            const r = solveQp(acCapped.form as QpProblem, QP_SETTINGS);
            return refineAlmgrenChrissActiveSet(acParams, 1e6, acCaps, acCapped.toTrades(r.x), 1e-6 * 1e6);
          },
        },
      ];
      // At N = 23,400 a QP solve takes up to seconds (TS backend): in CI time each once instead.
      const timedOnce = big && ci;
      const t = await measure(`execution-n${N}`, timedOnce ? cases : [...cases, ...qpCases], {
        minSamples: big ? 3 : 5,
        maxTime: ci ? 0.5 : 2,
      });
      const ms = (name: string) => t[name]!.meanMs;
      for (const c of Object.keys(t)) figures[`N=${N} ${c} ms`] = Number(ms(c).toPrecision(3));
      if (timedOnce) {
        for (const c of qpCases) {
          const t0 = performance.now();
          c.fn();
          figures[`N=${N} ${c.name} ms (one run)`] = Number((performance.now() - t0).toPrecision(3));
        }
      } else {
        ratios[`linear${N}_exactVsQp`] = speedup(t['linear exact']!, t['linear QP']!);
        ratios[`ac${N}_closedFormVsQp`] = speedup(t['AC closed form']!, t['AC QP']!);
        ratios[`acCapped${N}_activeSetVsQp`] = speedup(t['AC capped active set']!, t['AC capped QP + refine']!);
      }
      ratios[`powerLaw${N}_exactVsSearch`] = speedup(t['power law exact']!, t['power law search']!);
    }
    figures['N=390 exact solves under 1 ms'] =
      (figures['N=390 linear exact ms'] as number) < 1 && (figures['N=390 power law exact ms'] as number) < 1 && (figures['N=390 AC closed form ms'] as number) < 1;
    return { ratios, figures };
  },
};
