import { matTVec, matVec, symUpperMatVec } from './csc.js';
import type { AdmmState } from './state.js';
import { computeResiduals } from './termination.js';

/** Scratch for polishing, allocated on the first polish of a workspace and reused. */
export class PolishScratch {
  readonly active: Uint8Array;
  readonly lowerActive: Uint8Array;
  readonly previous: Uint8Array;
  /** OSQP-rule active set at the last termination check, and at the last early polish. */
  readonly lastSeen: Uint8Array;
  readonly lastTried: Uint8Array;
  hasTried = false;
  nextEarlyIter = 0;
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
    this.previous = new Uint8Array(m);
    this.lastSeen = new Uint8Array(m);
    this.lastTried = new Uint8Array(m);
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

/** Active-set guesses, tried in order until one improves the point. */
const GUESSES = ['osqp', 'strict-dual'] as const;
type Guess = (typeof GUESSES)[number];

/**
 * Solution polishing (OSQP §4): guess the active set from the ADMM iterate, solve the
 * equality-constrained QP on it through the δ-regularised reduced KKT system, remove the
 * regularisation error by iterative refinement, and keep the result only if it improves the
 * residuals. Two departures from OSQP, both for degenerate problems (LPs at a vertex with more
 * active rows than variables): refinement starts from the ADMM point rather than from zero, so
 * on a singular reduced system it converges to the solution nearest that point (refinement with
 * a regularised matrix is a proximal-point iteration); and if OSQP's guess fails, a second
 * guess keeps only rows whose multiplier is clearly non-zero.
 * Needs the residuals of the ADMM point in the state. On success (x, z, y) are replaced and
 * the residual fields describe the polished point; otherwise they are restored.
 */
export function polish(s: AdmmState, scratch: PolishScratch, accept?: (s: AdmmState, z: Float64Array) => boolean): boolean {
  const admmPrim = s.primRes;
  const admmDual = s.dualRes;
  for (const guess of GUESSES) {
    guessActiveSet(s, scratch, guess);
    if (guess !== 'osqp' && sameSet(scratch.active, scratch.previous)) continue;
    scratch.previous.set(scratch.active);
    if (!solveReduced(s, scratch)) continue;
    computeResiduals(s, scratch.x, scratch.z, scratch.y);
    const polPrim = s.primRes;
    const polDual = s.dualRes;
    const improved =
      (polPrim < admmPrim && polDual < admmDual) || (polPrim < admmPrim && admmDual < 1e-10) || (polDual < admmDual && admmPrim < 1e-10);
    if (improved && (!accept || accept(s, scratch.z))) {
      s.x.set(scratch.x);
      s.z.set(scratch.z);
      s.y.set(scratch.y);
      return true;
    }
  }
  computeResiduals(s, s.x, s.z, s.y); // restore the ADMM point's residuals
  return false;
}

/**
 * True when the OSQP-rule active set is unchanged since the previous call (two termination
 * checks in a row) and differs from the set of the last early polish: the moment an
 * early polish is worth one factorisation.
 */
export function activeSetSettled(s: AdmmState, scratch: PolishScratch, iter: number): boolean {
  const { m, l, u, z, y } = s;
  const { lastSeen, lastTried } = scratch;
  let stable = true;
  let differs = !scratch.hasTried;
  for (let i = 0; i < m; i++) {
    const isLower = z[i]! - l[i]! < -y[i]! || l[i] === u[i];
    const a = isLower || u[i]! - z[i]! < y[i]! ? 1 : 0;
    if (a !== lastSeen[i]) stable = false;
    if (a !== lastTried[i]) differs = true;
    lastSeen[i] = a;
  }
  // Back-off: after a failed early polish at iteration k, wait until iteration 2k, so a
  // problem whose active set keeps wandering pays O(log iterations) factorisations.
  if (stable && differs && iter >= scratch.nextEarlyIter) {
    lastTried.set(lastSeen);
    scratch.nextEarlyIter = 2 * iter;
    scratch.hasTried = true;
    return true;
  }
  return false;
}

function sameSet(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Marks active rows (lower/upper) in the scratch and returns how many there are. */
function guessActiveSet(s: AdmmState, scratch: PolishScratch, guess: Guess): number {
  const { m, l, u, z, y } = s;
  const { active, lowerActive, rowDiag } = scratch;
  let yNorm = 0;
  for (let i = 0; i < m; i++) yNorm = Math.max(yNorm, Math.abs(y[i]!));
  const tau = 1e-6 * Math.max(1, yNorm);
  let count = 0;
  for (let i = 0; i < m; i++) {
    let isLower: boolean;
    let isUpper: boolean;
    if (guess === 'osqp') {
      // lower-active if z − l < −y (or an equality), upper-active if u − z < y
      isLower = z[i]! - l[i]! < -y[i]! || l[i] === u[i];
      isUpper = !isLower && u[i]! - z[i]! < y[i]!;
    } else {
      isLower = y[i]! < -tau || l[i] === u[i];
      isUpper = !isLower && y[i]! > tau;
    }
    active[i] = isLower || isUpper ? 1 : 0;
    lowerActive[i] = isLower ? 1 : 0;
    rowDiag[i] = active[i] ? -s.settings.polishDelta : -1;
    count += active[i]!;
  }
  return count;
}

/** Solves the reduced KKT system for the marked rows; the candidate lands in scratch.x/z/y. */
function solveReduced(s: AdmmState, scratch: PolishScratch): boolean {
  const { n, m, l, u, settings } = s;
  const { active, lowerActive, rowDiag, rhs, sol, res } = scratch;
  if (!s.kkt.factorPolish(s.Px, settings.polishDelta, s.Ax, s.Ai, active, rowDiag)) return false;

  // b = [−q; l_low or u_upp on active rows; 0 on inactive rows]
  for (let j = 0; j < n; j++) rhs[j] = -s.q[j]!;
  for (let i = 0; i < m; i++) rhs[n + i] = active[i] ? (lowerActive[i] ? l[i]! : u[i]!) : 0;
  let bNorm = 0;
  for (let k = 0; k < n + m; k++) bNorm = Math.max(bNorm, Math.abs(rhs[k]!));
  // Start at the ADMM point, then refine against K = [P Aredᵀ; Ared 0]: sol += K_δ⁻¹(b − K sol).
  for (let j = 0; j < n; j++) sol[j] = s.x[j]!;
  for (let i = 0; i < m; i++) sol[n + i] = active[i] ? s.y[i]! : 0;
  for (let it = 0; it <= settings.polishRefineIter; it++) {
    const rNorm = reducedKktResidual(s, scratch, sol, res);
    if (!(rNorm > 1e-15 * (1 + bNorm))) break;
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
  return true;
}

/** res = b − K sol with K = [P Aredᵀ; Ared 0] (inactive rows: identity, b = 0); returns ‖res‖∞. */
function reducedKktResidual(s: AdmmState, scratch: PolishScratch, sol: Float64Array, res: Float64Array): number {
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
  let norm = 0;
  for (let k = 0; k < n + m; k++) norm = Math.max(norm, Math.abs(res[k]!));
  return norm;
}
