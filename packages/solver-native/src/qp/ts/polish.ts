import { matTVec, matVec, symUpperMatVec } from './csc.js';
import type { AdmmState } from './state.js';
import { computeResiduals } from './termination.js';

/** Scratch for polishing, allocated on the first polish of a workspace and reused. */
export class PolishScratch {
  readonly active: Uint8Array;
  readonly lowerActive: Uint8Array;
  readonly rowDiag: Float64Array;
  readonly rhs: Float64Array;
  readonly sol: Float64Array;
  readonly res: Float64Array;
  readonly x: Float64Array;
  readonly z: Float64Array;
  readonly y: Float64Array;
  readonly tmpN: Float64Array;
  readonly tmpM: Float64Array;
  constructor(n: number, m: number) {
    this.active = new Uint8Array(m);
    this.lowerActive = new Uint8Array(m);
    this.rowDiag = new Float64Array(m);
    this.rhs = new Float64Array(n + m);
    this.sol = new Float64Array(n + m);
    this.res = new Float64Array(n + m);
    this.x = new Float64Array(n);
    this.z = new Float64Array(m);
    this.y = new Float64Array(m);
    this.tmpN = new Float64Array(n);
    this.tmpM = new Float64Array(m);
  }
}

/**
 * Solution polishing (OSQP §4): guess the active set from the ADMM iterate, solve the
 * equality-constrained QP on it through the δ-regularised reduced KKT system, remove the
 * regularisation error by iterative refinement, and keep the result only if it improves the
 * residuals. On success (x, z, y) of the state are replaced and true is returned; the
 * residual fields then describe the polished point.
 */
export function polish(s: AdmmState, scratch: PolishScratch): boolean {
  const { n, m, l, u, z, y, settings } = s;
  const { active, lowerActive, rowDiag, rhs, sol, res } = scratch;
  const delta = settings.polishDelta;

  // Active set: lower-active if z − l < −y (or equality), upper-active if u − z < y.
  for (let i = 0; i < m; i++) {
    const isLower = z[i]! - l[i]! < -y[i]! || l[i] === u[i];
    const isUpper = !isLower && u[i]! - z[i]! < y[i]!;
    active[i] = isLower || isUpper ? 1 : 0;
    lowerActive[i] = isLower ? 1 : 0;
    rowDiag[i] = active[i] ? -delta : -1;
  }
  if (!s.kkt.factorPolish(s.Px, delta, s.Ax, s.Ai, active, rowDiag)) return false;

  // b = [−q; l_low or u_upp on active rows; 0 on inactive rows]
  for (let j = 0; j < n; j++) rhs[j] = -s.q[j]!;
  for (let i = 0; i < m; i++) rhs[n + i] = active[i] ? (lowerActive[i] ? l[i]! : u[i]!) : 0;
  sol.set(rhs);
  s.kkt.solvePolish(sol);

  // Iterative refinement against the unregularised K = [P Aredᵀ; Ared 0].
  for (let it = 0; it < settings.polishRefineIter; it++) {
    reducedKktResidual(s, scratch, sol, res);
    s.kkt.solvePolish(res);
    for (let k = 0; k < n + m; k++) sol[k]! += res[k]!;
  }

  // Candidate (x, z, y): z = Ax, then y ← y + z, z ← Π(y), y ← y − z so that z ∈ [l, u]
  // and y lies in the normal cone at z.
  const px = scratch.x;
  const pz = scratch.z;
  const py = scratch.y;
  for (let j = 0; j < n; j++) px[j] = sol[j]!;
  matVec(m, n, s.Ap, s.Ai, s.Ax, px, pz);
  for (let i = 0; i < m; i++) {
    const yi = (active[i] ? sol[n + i]! : 0) + pz[i]!;
    const zi = Math.min(Math.max(yi, l[i]!), u[i]!);
    pz[i] = zi;
    py[i] = yi - zi;
  }
  for (let k = 0; k < n; k++) if (!Number.isFinite(px[k]!)) return false;
  for (let k = 0; k < m; k++) if (!Number.isFinite(py[k]!)) return false;

  const admmPrim = s.primRes;
  const admmDual = s.dualRes;
  computeResiduals(s, px, pz, py);
  const polPrim = s.primRes;
  const polDual = s.dualRes;
  const improved =
    (polPrim < admmPrim && polDual < admmDual) || (polPrim < admmPrim && admmDual < 1e-10) || (polDual < admmDual && admmPrim < 1e-10);
  if (!improved) {
    computeResiduals(s, s.x, s.z, s.y); // restore the ADMM point's residuals
    return false;
  }
  s.x.set(px);
  s.z.set(pz);
  s.y.set(py);
  return true;
}

/** res = b − K sol with K = [P Aredᵀ; Ared 0] (inactive rows: identity, b = 0). */
function reducedKktResidual(s: AdmmState, scratch: PolishScratch, sol: Float64Array, res: Float64Array): void {
  const { n, m } = s;
  const { active, rhs, tmpN, tmpM } = scratch;
  const x = scratch.x;
  const yRed = scratch.y;
  for (let j = 0; j < n; j++) x[j] = sol[j]!;
  for (let i = 0; i < m; i++) yRed[i] = active[i] ? sol[n + i]! : 0;
  symUpperMatVec(n, s.Pp, s.Pi, s.Px, x, tmpN);
  for (let j = 0; j < n; j++) res[j] = rhs[j]! - tmpN[j]!;
  matTVec(n, s.Ap, s.Ai, s.Ax, yRed, tmpN);
  for (let j = 0; j < n; j++) res[j]! -= tmpN[j]!;
  matVec(m, n, s.Ap, s.Ai, s.Ax, x, tmpM);
  for (let i = 0; i < m; i++) res[n + i] = active[i] ? rhs[n + i]! - tmpM[i]! : 0;
}
