// The OSQP paper's problem classes (random sparse QP, Lasso, Huber), seeded, solved from
// scratch (setup + solve at eps 1e-4, with polishing) on each
// available backend side by side in one benny suite. Each backend's result is checked by
// check.ts and the verdict reported; the tracked ratios are native-vs-TS speedups per class.
import { generateHuber, generateLasso, generateRandomQp } from '@keel/solver-native/qp/generators';
import { validateQpResult } from '@keel/solver-native/qp/reference';
import { qpBackends, solveQp, type QpBackend, type QpProblem, type QpSettings } from '@keel/solver-native/qp';
import { measure, speedup, type BenchSuite, type CaseTiming } from '../harness.js';
import { coldSolveCases, qpSize } from '../qp-cases.js';

const SETTINGS: Partial<QpSettings> = { epsAbs: 1e-4, epsRel: 1e-4, polish: true, maxIter: 20000 };

function classes(ci: boolean): { name: string; problem: QpProblem }[] {
  return ci
    ? [
        { name: 'random-n50', problem: generateRandomQp({ n: 50, seed: 1 }) },
        { name: 'lasso-n10', problem: generateLasso({ n: 10, seed: 2 }) },
        { name: 'huber-n10', problem: generateHuber({ n: 10, seed: 3 }) },
      ]
    : [
        { name: 'random-n300', problem: generateRandomQp({ n: 300, seed: 1 }) },
        { name: 'lasso-n60', problem: generateLasso({ n: 60, seed: 2 }) },
        { name: 'huber-n40', problem: generateHuber({ n: 40, seed: 3 }) },
      ];
}

export const qpClassesSuite: BenchSuite = {
  name: 'qp-classes',
  inCi: true,
  async run({ ci }) {
    const native = qpBackends().native;
    const backends: QpBackend[] = native.available ? ['native', 'ts'] : ['ts'];
    const figures: Record<string, number | string | boolean> = { nativeAvailable: native.available };
    const ratios: Record<string, number> = {};
    for (const { name, problem } of classes(ci)) {
      figures[`${name}.size`] = qpSize(problem);
      for (const backend of backends) {
        const r = solveQp(problem, SETTINGS, { backend });
        const check = validateQpResult(problem, r, { epsAbs: 1e-3, epsRel: 1e-3, epsInf: 1e-4 });
        figures[`${name}.${backend}`] = `${r.status}${r.status === 'solved' && check.verified ? ' (verified)' : ' (NOT verified)'}, ${r.info.iterations} it, polish ${r.info.polish}`;
      }
      const timings: Record<string, CaseTiming> = await measure(`qp-classes-${name}`, coldSolveCases(problem, SETTINGS, backends), {
        minSamples: ci ? 2 : 3,
        maxTime: ci ? 1 : 3,
      });
      for (const backend of backends) figures[`${name}.${backend}.meanMs`] = Math.round(timings[backend]!.meanMs * 100) / 100;
      if (timings.native && timings.ts) ratios[`${name}.nativeVsTs`] = speedup(timings.native, timings.ts);
    }
    return { ratios, figures };
  },
};
