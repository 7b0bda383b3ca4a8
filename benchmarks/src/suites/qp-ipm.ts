// The interior-point QP method (`method: 'ipm'`) on the portfolio engine's QP: the seeded sample
// book with the sample config's full constraint set (`preparePortfolio(generatePortfolioSample(
// {instruments, seed: 7}), SAMPLE_PORTFOLIO_CONFIG).qp.problem`), with the settings the engine
// uses (`interiorPointSettings`).
//
// - cold: setup (scaling, AMD, symbolic analysis) + solve of a repriced problem, new workspace;
// - warm: the same repricing applied to a live workspace (updateQ/Bounds/AValues/PValues) and
//   re-solved from its previous optimum (prices moved ±1 % each time, alternating sets).
// Native and TS side by side in one benny suite (CI: N = 500; full: N = 2,000); the full run adds
// N = 15,000 timed with performance.now() and CPU time (median of the warm re-solves), and the
// TS cold solve at 15,000 once. Every answer is re-checked from the raw problem by
// validateQpResult at the engine's tolerances; the figures say so.
import { generatePortfolioSample } from '@keel/core/data';
import { createMulberry32Rng, mixSeed } from '@keel/core/random';
import { interiorPointSettings, parsePortfolioConfig, preparePortfolio, repricePortfolio, SAMPLE_PORTFOLIO_CONFIG, type PreparedPortfolio } from '@keel/core/portfolio';
import { validateQpResult } from '@keel/solver-native/qp/reference';
import { createQpWorkspace, qpBackends, type QpBackend, type QpProblem, type QpResult, type QpWorkspace } from '@keel/solver-native/qp';
import { measure, speedup, type BenchSuite } from '../harness.js';
import { qpSize } from '../qp-cases.js';

const SETTINGS = interiorPointSettings(parsePortfolioConfig(SAMPLE_PORTFOLIO_CONFIG));
const CHECK = { epsAbs: 1e-6, epsRel: 1e-6, epsInf: 1e-4 };

function movedPrices(prep: PreparedPortfolio, seed: number): Map<string, number> {
  const rng = createMulberry32Rng(mixSeed(seed));
  return new Map(prep.universe.instruments.map((u) => [u.id, u.price * (1 + 0.01 * rng.normal())]));
}

function verdict(problem: QpProblem, r: QpResult): string {
  const ok = r.status === 'solved' && validateQpResult(problem, r, CHECK).verified;
  return `${r.status}${ok ? ' (verified)' : ' (NOT verified)'}, ${r.info.iterations} it`;
}

function update(ws: QpWorkspace, p: QpProblem): void {
  ws.updateQ(p.q);
  ws.updateBounds(p.l, p.u);
  ws.updateAValues(p.A.values);
  ws.updatePValues(p.P.values);
}

const timed = <T>(f: () => T): { value: T; ms: number; cpuMs: number } => {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = f();
  const cu = process.cpuUsage(c);
  return { value, ms: performance.now() - t, cpuMs: (cu.user + cu.system) / 1000 };
};
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const r1 = (v: number) => Math.round(v * 10) / 10;

export const qpIpmSuite: BenchSuite = {
  name: 'qp-ipm',
  inCi: true,
  async run({ ci }) {
    const native = qpBackends().native;
    const backends: QpBackend[] = native.available ? ['native', 'ts'] : ['ts'];
    const figures: Record<string, number | string | boolean> = { nativeAvailable: native.available, settings: JSON.stringify(SETTINGS) };
    const ratios: Record<string, number> = {};

    const n = ci ? 500 : 2000;
    const prep = preparePortfolio(generatePortfolioSample({ instruments: n, seed: 7 }), SAMPLE_PORTFOLIO_CONFIG);
    const variants = [1, 2].map((seed) => repricePortfolio(prep, movedPrices(prep, seed)).qp.problem);
    figures[`N=${n} QP`] = qpSize(prep.qp.problem);
    const live: Partial<Record<QpBackend, QpWorkspace>> = {};
    for (const backend of backends) {
      const ws = createQpWorkspace(prep.qp.problem, SETTINGS, { backend });
      const cold = ws.solve();
      figures[`N=${n} ${backend} cold`] = verdict(prep.qp.problem, cold);
      update(ws, variants[0]!);
      figures[`N=${n} ${backend} warm`] = verdict(variants[0]!, ws.solve());
      live[backend] = ws;
    }
    let flip = 0;
    const cases = backends.flatMap((backend) => [
      {
        name: `${backend} cold ${n}`,
        fn: () => {
          const ws = createQpWorkspace(variants[flip++ % 2]!, SETTINGS, { backend });
          ws.solve();
          ws.dispose();
        },
      },
      {
        name: `${backend} warm ${n}`,
        fn: () => {
          const ws = live[backend]!;
          update(ws, variants[flip++ % 2]!);
          ws.solve();
        },
      },
    ]);
    const t = await measure(`qp-ipm-${n}`, cases, { minSamples: ci ? 2 : 3, maxTime: ci ? 3 : 15 });
    for (const c of Object.values(t)) figures[`N=${n} ${c.name} ms`] = r1(c.meanMs);
    const nc = t[`native cold ${n}`];
    const tc = t[`ts cold ${n}`];
    const nw = t[`native warm ${n}`];
    const tw = t[`ts warm ${n}`];
    if (nc && tc) ratios[`nativeVsTsCold${n}`] = speedup(nc, tc);
    if (nw && tw) ratios[`nativeVsTsWarm${n}`] = speedup(nw, tw);
    if (nc && nw) ratios[`warmVsCold${n}`] = speedup(nw, nc);
    for (const ws of Object.values(live)) ws?.dispose();

    if (!ci) {
      const bigPrep = preparePortfolio(generatePortfolioSample({ instruments: 15_000, seed: 7 }), SAMPLE_PORTFOLIO_CONFIG);
      const big = bigPrep.qp.problem;
      figures['N=15000 QP'] = qpSize(big);
      const bigVariants = [3, 4, 5, 6].map((seed) => repricePortfolio(bigPrep, movedPrices(bigPrep, seed)).qp.problem);
      for (const backend of backends) {
        const cold = timed(() => {
          const ws = createQpWorkspace(big, SETTINGS, { backend });
          return { ws, r: ws.solve() };
        });
        const { ws, r } = cold.value;
        figures[`N=15000 ${backend} cold`] = `${verdict(big, r)}, ${r1(cold.ms)} ms wall, ${r1(cold.cpuMs)} ms CPU (setup ${r1(r.info.setupTimeMs)} ms, nnz(L) ${r.info.factorNnz})`;
        if (backend === 'ts') {
          ws.dispose();
          continue;
        }
        const walls: number[] = [];
        const cpus: number[] = [];
        const its: number[] = [];
        let allVerified = true;
        for (const v of bigVariants) {
          const w = timed(() => {
            update(ws, v);
            return ws.solve();
          });
          walls.push(w.ms);
          cpus.push(w.cpuMs);
          its.push(w.value.info.iterations);
          allVerified &&= w.value.status === 'solved' && validateQpResult(v, w.value, CHECK).verified;
        }
        ws.dispose();
        figures[`N=15000 ${backend} warm (update + solve after a ±1% price move)`] = `median ${r1(median(walls))} ms wall, ${r1(median(cpus))} ms CPU over ${walls.length} re-solves; iterations ${its.join(',')}; ${allVerified ? 'all verified' : 'NOT all verified'}`;
        ratios['warmVsCold15000'] = cold.ms / median(walls);
      }
    }
    return { ratios, figures };
  },
};
