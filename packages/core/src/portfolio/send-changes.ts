/**
 * Value updates of a solver workspace: what changed from one problem to the next (same
 * pattern) and nothing else — `PortfolioSolver.update` and the screened session's smaller
 * problem both go through here.
 */
import type { QpProblem, QpWorkspace } from '@keel/solver-native/qp';

/** Same contents (the same array: no scan). A NaN never equals itself, so it counts as a change and is sent: the safe side. */
export function sameArray(x: ArrayLike<number>, y: ArrayLike<number>): boolean {
  if (x === y) return true;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Sends what changed from problem `a` to `b` (same pattern) to a workspace. */
export function sendChanges(ws: QpWorkspace, a: QpProblem, b: QpProblem): void {
  if (!sameArray(a.q, b.q)) ws.updateQ(b.q);
  if (!sameArray(a.l, b.l) || !sameArray(a.u, b.u)) ws.updateBounds(b.l, b.u);
  // A before P: the interior point rescales once, at the P update.
  if (!sameArray(a.A.values, b.A.values)) ws.updateAValues(b.A.values);
  if (!sameArray(a.P.values, b.P.values)) ws.updatePValues(b.P.values);
}
