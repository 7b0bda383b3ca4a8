import { createQpWorkspace, qpBackends, solveQp, type QpBackend, type QpProblem, type QpWorkspace } from '@keel/solver-native/qp';
import type { QpSolveFn } from './qp-contract.js';

/** The project's QP solver (`@keel/solver-native/qp`), default backend (native when it loads, else TS). */
export const defaultQpSolve: QpSolveFn = Object.assign((problem: QpProblem, settings: Parameters<QpSolveFn>[1]) => solveQp(problem, settings), {
  backend: () => qpBackends().default,
});

/** The same solver with a forced backend, for side-by-side comparisons. */
export const qpSolveWith = (backend: QpBackend): QpSolveFn =>
  Object.assign((problem: QpProblem, settings: Parameters<QpSolveFn>[1]) => solveQp(problem, settings, { backend }), { backend: () => backend });

const sameInts = (a: Int32Array, b: Int32Array) => a.length === b.length && a.every((v, i) => v === b[i]);
const sameFloats = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => v === b[i]);
const samePattern = (a: QpProblem, b: QpProblem) =>
  a.n === b.n && a.m === b.m && sameInts(a.P.colPtr, b.P.colPtr) && sameInts(a.P.rowIdx, b.P.rowIdx) && sameInts(a.A.colPtr, b.A.colPtr) && sameInts(a.A.rowIdx, b.A.rowIdx);

export interface WarmQpSolve extends QpSolveFn {
  readonly stats: { setups: number; updates: number };
  dispose(): void;
}

/**
 * A solver for a sequence of problems with the same sparsity pattern (replay: one QP per bar).
 * It keeps one workspace: when the next problem has the same pattern and settings it updates
 * P/A values (numeric refactorisation only), q and the bounds in place and warm-starts from the
 * previous solution; otherwise it sets up afresh. Answers agree with cold solves within the
 * solver's tolerance, not bit for bit, and depend on the call sequence (deterministic for a
 * deterministic sequence).
 */
export function createWarmQpSolve(opts: { backend?: QpBackend } = {}): WarmQpSolve {
  let ws: QpWorkspace | undefined;
  let last: QpProblem | undefined;
  let lastKey = '';
  const stats = { setups: 0, updates: 0 };
  const solve = ((problem, settings) => {
    const key = JSON.stringify(settings);
    if (ws && last && key === lastKey && samePattern(last, problem)) {
      if (!sameFloats(last.P.values, problem.P.values)) ws.updatePValues(problem.P.values);
      if (!sameFloats(last.A.values, problem.A.values)) ws.updateAValues(problem.A.values);
      ws.updateQ(problem.q);
      ws.updateBounds(problem.l, problem.u);
      stats.updates++;
    } else {
      ws?.dispose();
      ws = createQpWorkspace(problem, { ...settings, warmStart: true }, opts.backend ? { backend: opts.backend } : {});
      stats.setups++;
    }
    last = problem;
    lastKey = key;
    return ws.solve();
  }) as WarmQpSolve;
  Object.assign(solve, {
    backend: () => opts.backend ?? qpBackends().default,
    stats,
    dispose() {
      ws?.dispose();
      ws = undefined;
      last = undefined;
    },
  });
  return solve;
}
