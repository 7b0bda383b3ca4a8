// Factor-model long/short portfolio QP (k = 50 factors; turnover, sector, gross, position and
// factor-exposure limits; sparse formulation with f = Bᵀx as variables; see
// generatePortfolioQp), native vs TS side by side.
//
// - native_vs_ts: cold solve (setup + solve + polish) of the same instance on both backends in
//   one benny suite, N = 2,000 assets (CI: N = 300).
// - Full run only: the interior point (method 'ipm', eps 1e-6) native vs TS at N = 2,000
//   (ipm_native_vs_ts), and N = 15,000 on the native backend: cold solve and a warm re-solve
//   after a small change of q (μ of 1 % of the assets moved by 5 %), three rounds timed with
//   performance.now() (a benny sample of a multi-second solve would take minutes).
// Every result is re-checked from the raw problem by validateQpResult; the figures say so.
import { generatePortfolioQp, type PortfolioQpLayout } from '@keel/solver-native/qp/generators';
import { validateQpResult } from '@keel/solver-native/qp/reference';
import { createQpWorkspace, qpBackends, type QpBackend, type QpProblem, type QpResult, type QpSettings } from '@keel/solver-native/qp';
import { measure, speedup, type BenchSuite } from '../harness.js';
import { coldSolveCases, qpSize } from '../qp-cases.js';

/** Tolerances at which the answer is checked; polishing makes the reported point exact. */
const SETTINGS: Partial<QpSettings> = { epsAbs: 1e-4, epsRel: 1e-4, polish: true, maxIter: 50_000 };
const CHECK = { epsAbs: 1e-3, epsRel: 1e-3, epsInf: 1e-4 };

function verdict(problem: QpProblem, r: QpResult): string {
  const check = validateQpResult(problem, r, CHECK);
  const ok = r.status === 'solved' && check.verified;
  return `${r.status}${ok ? ' (verified)' : ' (NOT verified)'}, ${r.info.iterations} it, polish ${r.info.polish}, objective ${r.objective.toFixed(4)} bp`;
}

/** The same problem with μ of every 100th asset raised by 5 % (a small change of q). */
function nudgedQ(problem: QpProblem, layout: PortfolioQpLayout): Float64Array {
  const q = Float64Array.from(problem.q);
  for (let i = 0; i < layout.assets; i += 100) q[layout.x + i] = q[layout.x + i]! * 1.05;
  return q;
}

export const qpPortfolioSuite: BenchSuite = {
  name: 'qp-portfolio',
  inCi: true,
  async run({ ci }) {
    const native = qpBackends().native;
    const backends: QpBackend[] = native.available ? ['native', 'ts'] : ['ts'];
    const figures: Record<string, number | string | boolean> = { nativeAvailable: native.available };
    const ratios: Record<string, number> = {};

    const assets = ci ? 300 : 2000;
    const { problem } = generatePortfolioQp({ assets, seed: 1 });
    const tag = `n${assets}`;
    figures[`${tag}.size`] = qpSize(problem);
    for (const backend of backends) {
      const ws = createQpWorkspace(problem, SETTINGS, { backend });
      figures[`${tag}.${backend}`] = verdict(problem, ws.solve());
      ws.dispose();
    }
    const timings = await measure(`qp-portfolio-${tag}`, coldSolveCases(problem, SETTINGS, backends), { minSamples: ci ? 2 : 3, maxTime: ci ? 2 : 10 });
    for (const backend of backends) figures[`${tag}.${backend}.coldMs`] = Math.round(timings[backend]!.meanMs * 10) / 10;
    if (timings.native && timings.ts) ratios.native_vs_ts = speedup(timings.native, timings.ts);

    if (!ci && backends.length === 2) {
      // The interior point on the same N = 2,000 instance, native vs TS side by side.
      const ipm2k: Partial<QpSettings> = { epsAbs: 1e-6, epsRel: 1e-6, polish: true, method: 'ipm' };
      for (const backend of backends) {
        const ws = createQpWorkspace(problem, ipm2k, { backend });
        figures[`${tag}.${backend}.ipm`] = verdict(problem, ws.solve());
        ws.dispose();
      }
      const t = await measure(`qp-portfolio-${tag}-ipm`, coldSolveCases(problem, ipm2k, backends), { minSamples: 3, maxTime: 10 });
      for (const backend of backends) figures[`${tag}.${backend}.ipm.coldMs`] = Math.round(t[backend]!.meanMs * 10) / 10;
      ratios.ipm_native_vs_ts = speedup(t.native!, t.ts!);
    }

    if (!ci && native.available) {
      // N = 15,000 by the interior point (`method: 'ipm'`): ADMM needs tens of thousands of
      // iterations here with binding turnover and gross budgets (OSQP's C library takes the same
      // path). Cold = workspace setup + solve; warm = updateQ (μ of every 100th asset +5 %) and a
      // re-solve on the same workspace. Three rounds, each on a fresh workspace; the medians are
      // the figures, every answer re-checked from the raw problem.
      const big = generatePortfolioQp({ assets: 15_000, seed: 2 });
      const p15 = big.problem;
      const ipm: Partial<QpSettings> = { epsAbs: 1e-6, epsRel: 1e-6, polish: true, method: 'ipm', timeLimitSec: 120 };
      const q = nudgedQ(p15, big.layout);
      figures['n15000.size'] = qpSize(p15);
      const colds: number[] = [];
      const warms: number[] = [];
      for (let round = 0; round < 3; round++) {
        const t0 = performance.now();
        const ws = createQpWorkspace(p15, ipm, { backend: 'native' });
        const cold = ws.solve();
        colds.push(performance.now() - t0);
        ws.updateQ(q);
        const t1 = performance.now();
        const warm = ws.solve();
        warms.push(performance.now() - t1);
        ws.dispose();
        if (round === 0) {
          figures['n15000.native.ipm.cold'] = `${verdict(p15, cold)}, setup ${cold.info.setupTimeMs.toFixed(0)} ms`;
          figures['n15000.native.ipm.warm'] = verdict({ ...p15, q }, warm);
        }
        if (cold.status !== 'solved' || warm.status !== 'solved') throw new Error(`qp-portfolio 15k: cold ${cold.status}, warm ${warm.status}`);
      }
      const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
      figures['n15000.native.ipm.coldMs (3 rounds)'] = colds.map((v) => Math.round(v)).join(', ');
      figures['n15000.native.ipm.warmMs (3 rounds)'] = warms.map((v) => Math.round(v)).join(', ');
      figures['n15000.native.ipm.coldUnder2s (median)'] = median(colds) < 2000;
      figures['n15000.native.ipm.warmUnderQuarterCold (medians)'] = median(warms) < 0.25 * median(colds);
      ratios.cold_vs_warm_15k = median(colds) / median(warms);
    }
    return { ratios, figures };
  },
};
