// Factor-model long/short portfolio QP (k = 50 factors; turnover, sector, gross, position and
// factor-exposure limits; sparse formulation with f = Bᵀx as variables; see
// generatePortfolioQp), native vs TS side by side.
//
// - native_vs_ts: cold solve (setup + solve + polish) of the same instance on both backends in
//   one benny suite, N = 2,000 assets (CI: N = 300).
// - Full run only: N = 15,000 assets on the native backend, one cold solve and one warm
//   re-solve after a small change of q (μ of 1 % of the assets moved by 5 %), timed with
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

    if (!ci && native.available) {
      // With binding turnover and gross budgets ADMM needs tens of thousands of iterations
      // at this size (OSQP's C library takes the same path), so each solve is capped at
      // 120 s and reported with its status instead of hanging the run.
      const big = generatePortfolioQp({ assets: 15_000, seed: 2 });
      const p15 = big.problem;
      const limited = { ...SETTINGS, maxIter: 1_000_000, timeLimitSec: 120 };
      figures['n15000.size'] = qpSize(p15);
      const t0 = performance.now();
      const ws = createQpWorkspace(p15, limited, { backend: 'native' });
      const cold = ws.solve();
      const coldMs = performance.now() - t0;
      figures['n15000.native.cold'] = verdict(p15, cold);
      figures['n15000.native.coldMs'] = Math.round(coldMs);
      figures['n15000.native.msPerIteration'] = Math.round((cold.info.solveTimeMs / Math.max(1, cold.info.iterations)) * 100) / 100;
      figures['n15000.native.coldUnder2s'] = coldMs < 2000 && cold.status === 'solved';
      const q = nudgedQ(p15, big.layout);
      ws.updateQ(q);
      const t1 = performance.now();
      const warm = ws.solve();
      const warmMs = performance.now() - t1;
      ws.dispose();
      figures['n15000.native.warm'] = verdict({ ...p15, q }, warm);
      figures['n15000.native.warmMs'] = Math.round(warmMs);
      if (cold.status === 'solved' && warm.status === 'solved') ratios.cold_vs_warm_15k = coldMs / warmMs;
    }
    return { ratios, figures };
  },
};
