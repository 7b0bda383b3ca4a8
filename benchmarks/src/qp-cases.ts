import { createQpWorkspace, type QpBackend, type QpProblem, type QpSettings } from '@keel/solver-native/qp';
import type { BenchCase } from './harness.js';

/** A QP's size as reported in the figures. */
export const qpSize = (p: QpProblem): string => `n=${p.n} m=${p.m} nnzP=${p.P.values.length} nnzA=${p.A.values.length}`;

/** One benny case per backend: a cold solve (setup + solve + polish), workspace disposed. */
export function coldSolveCases(problem: QpProblem, settings: Partial<QpSettings>, backends: readonly QpBackend[]): BenchCase[] {
  return backends.map((backend) => ({
    name: backend,
    fn: () => {
      const ws = createQpWorkspace(problem, settings, { backend });
      ws.solve();
      ws.dispose();
    },
  }));
}
