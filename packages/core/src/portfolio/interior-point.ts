/**
 * A primal-dual interior-point method (Mehrotra predictor-corrector) for the QP in the solver's
 * form, min ½xᵀPx + qᵀx s.t. l ≤ Ax ≤ u. Used two ways:
 *
 * - as the exactness step after the ADMM solver when its polish cannot settle the active set
 *   (portfolio QPs are degenerate: positions at zero with no trade have more active rows than
 *   variables, and ADMM alone needs tens of thousands of iterations for 1e-7);
 * - as an independent reference: a different algorithm on the same problem for acceptance
 *   checks.
 *
 * Each row with a finite side gets a slack and a multiplier per side; equality rows keep a
 * free multiplier; rows with no finite side drop out. The Newton system is the augmented KKT
 * matrix [P + δI, Aᵀ; A, −Θ⁻¹] with Θ_i = λ_l/s_l + λ_u/s_u, the same pattern as the ADMM
 * solver's KKT, factored by the solver package's sparse LDLᵀ with the caller's ordering.
 * Multipliers come back in OSQP's sign convention (y > 0: upper side active).
 */
import type { QpProblem } from '@keel/solver-native/qp';
import { kktResiduals, type KktResiduals, type KktWorkspace } from './kkt-system.js';

export interface InteriorPointSettings {
  readonly maxIter: number;
  /** Relative tolerance on primal and dual residuals and on the complementarity gap. */
  readonly eps: number;
  /** Static regularisation of the Newton system (removed by iterative refinement). */
  readonly delta: number;
  readonly refineIter: number;
}

export const DEFAULT_INTERIOR_POINT_SETTINGS: InteriorPointSettings = Object.freeze({ maxIter: 80, eps: 1e-9, delta: 1e-9, refineIter: 20 });

export const INTERIOR_POINT_STATUSES = ['solved', 'max_iter_reached', 'numerical_error'] as const;
export type InteriorPointStatus = (typeof INTERIOR_POINT_STATUSES)[number];

export interface InteriorPointResult {
  readonly status: InteriorPointStatus;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly iterations: number;
  readonly residuals: KktResiduals;
  readonly timeMs: number;
}

// Refinement stops once each block is accurate to this, relative to its right-hand side.
const REFINE_TOL = 1e-12;

const enum RowKind {
  Free = 0,
  Lower = 1,
  Upper = 2,
  Both = 3,
  Equal = 4,
}

export function solveQpInteriorPoint(p: QpProblem, ws: KktWorkspace, settings: Partial<InteriorPointSettings> = {}): InteriorPointResult {
  const st = { ...DEFAULT_INTERIOR_POINT_SETTINGS, ...settings };
  const t0 = performance.now();
  const { n, m, P, A, q, l, u } = p;
  const N = n + m;
  const kind = new Uint8Array(m);
  const coupled = new Uint8Array(m);
  let nSides = 0;
  for (let i = 0; i < m; i++) {
    const lf = Number.isFinite(l[i] as number);
    const uf = Number.isFinite(u[i] as number);
    kind[i] = lf && uf ? (l[i] === u[i] ? RowKind.Equal : RowKind.Both) : lf ? RowKind.Lower : uf ? RowKind.Upper : RowKind.Free;
    coupled[i] = kind[i] === RowKind.Free ? 0 : 1;
    if (kind[i] === RowKind.Lower || kind[i] === RowKind.Both) nSides++;
    if (kind[i] === RowKind.Upper || kind[i] === RowKind.Both) nSides++;
  }
  const hasL = (i: number) => kind[i] === RowKind.Lower || kind[i] === RowKind.Both;
  const hasU = (i: number) => kind[i] === RowKind.Upper || kind[i] === RowKind.Both;

  let qNorm = 0;
  for (const v of q) qNorm = Math.max(qNorm, Math.abs(v));
  let bNorm = 0;
  for (let i = 0; i < m; i++) {
    if (hasL(i) || kind[i] === RowKind.Equal) bNorm = Math.max(bNorm, Math.abs(l[i] as number));
    if (hasU(i)) bNorm = Math.max(bNorm, Math.abs(u[i] as number));
  }

  const x = new Float64Array(n);
  const yEq = new Float64Array(m);
  const sl = new Float64Array(m);
  const su = new Float64Array(m);
  const ll = new Float64Array(m);
  const lu = new Float64Array(m);
  const z = new Float64Array(m);
  const mulA = (v: Float64Array, out: Float64Array) => {
    out.fill(0);
    for (let j = 0; j < n; j++) {
      const vj = v[j] as number;
      if (vj === 0) continue;
      for (let k = A.colPtr[j] as number; k < (A.colPtr[j + 1] as number); k++) out[A.rowIdx[k] as number] = (out[A.rowIdx[k] as number] as number) + (A.values[k] as number) * vj;
    }
  };
  const yOf = (i: number) => (kind[i] === RowKind.Equal ? (yEq[i] as number) : (lu[i] as number) - (ll[i] as number));

  const rowDiag = new Float64Array(m);
  const rowDiagExact = new Float64Array(m);
  const theta = new Float64Array(m);
  const rd = new Float64Array(n);
  const rl = new Float64Array(m);
  const ru = new Float64Array(m);
  const rhs = new Float64Array(N);
  const sol = new Float64Array(N);
  const res = new Float64Array(N);
  const scratch = new Float64Array(N);
  const Ad = new Float64Array(m);
  const dsl = new Float64Array(m);
  const dsu = new Float64Array(m);
  const dll = new Float64Array(m);
  const dlu = new Float64Array(m);
  const cl = new Float64Array(m);
  const cu = new Float64Array(m);
  const Px = new Float64Array(n);

  const mulP = (v: Float64Array, out: Float64Array) => {
    out.fill(0);
    for (let j = 0; j < n; j++) {
      for (let k = P.colPtr[j] as number; k < (P.colPtr[j + 1] as number); k++) {
        const i = P.rowIdx[k] as number;
        const val = P.values[k] as number;
        out[i] = (out[i] as number) + val * (v[j] as number);
        if (i !== j) out[j] = (out[j] as number) + val * (v[i] as number);
      }
    }
  };
  // out = K·v for the exact Newton matrix (no static regularisation).
  const mulK = (v: Float64Array, out: Float64Array) => {
    out.fill(0);
    for (let j = 0; j < n; j++) {
      for (let k = P.colPtr[j] as number; k < (P.colPtr[j + 1] as number); k++) {
        const i = P.rowIdx[k] as number;
        const val = P.values[k] as number;
        out[i] = (out[i] as number) + val * (v[j] as number);
        if (i !== j) out[j] = (out[j] as number) + val * (v[i] as number);
      }
      for (let k = A.colPtr[j] as number; k < (A.colPtr[j + 1] as number); k++) {
        const i = A.rowIdx[k] as number;
        if (!coupled[i]) continue;
        const a = A.values[k] as number;
        out[n + i] = (out[n + i] as number) + a * (v[j] as number);
        out[j] = (out[j] as number) + a * (v[n + i] as number);
      }
    }
    for (let i = 0; i < m; i++) out[n + i] = (out[n + i] as number) + (rowDiagExact[i] as number) * (v[n + i] as number);
  };
  const solveNewton = () => {
    sol.set(rhs);
    ws.solve(sol, scratch);
    // Stop refining when each block (x rows, constraint rows) is accurate on its own scale: the
    // row block can be huge where Θ is tiny and would hide an inaccurate x block.
    let bx = 0;
    let br = 0;
    for (let k = 0; k < n; k++) bx = Math.max(bx, Math.abs(rhs[k] as number));
    for (let k = n; k < N; k++) br = Math.max(br, Math.abs(rhs[k] as number));
    let prevErr = Infinity;
    for (let it = 0; it < st.refineIter; it++) {
      mulK(sol, res);
      let rx = 0;
      let rr = 0;
      for (let k = 0; k < N; k++) {
        res[k] = (rhs[k] as number) - (res[k] as number);
        if (k < n) rx = Math.max(rx, Math.abs(res[k] as number));
        else rr = Math.max(rr, Math.abs(res[k] as number));
      }
      const err = Math.max(rx / (1 + bx), rr / (1 + br));
      // Done, or no longer converging (late iterations, Θ spanning 1e±20): more steps only cost.
      if (err <= REFINE_TOL || err > 0.5 * prevErr) break;
      prevErr = err;
      ws.solve(res, scratch);
      for (let k = 0; k < N; k++) sol[k] = (sol[k] as number) + (res[k] as number);
    }
  };
  /** Newton direction for complementarity targets cl, cu (s·λ + Δ… = c). */
  const direction = () => {
    for (let j = 0; j < n; j++) rhs[j] = -(rd[j] as number);
    for (let i = 0; i < m; i++) {
      const k = kind[i] as RowKind;
      if (k === RowKind.Free) rhs[n + i] = 0;
      else if (k === RowKind.Equal) rhs[n + i] = -(rl[i] as number);
      else {
        let acc = 0;
        if (hasU(i)) acc += ((lu[i] as number) / (su[i] as number)) * (ru[i] as number) + (cu[i] as number) / (su[i] as number);
        if (hasL(i)) acc += ((ll[i] as number) / (sl[i] as number)) * (rl[i] as number) - (cl[i] as number) / (sl[i] as number);
        rhs[n + i] = -acc / (theta[i] as number);
      }
    }
    solveNewton();
    const dx = sol.subarray(0, n);
    mulA(dx as Float64Array, Ad);
    // Per side, the better-conditioned recovery: where λ/s ≥ 1 (an active side) the multiplier
    // step comes from the solve's Δy and the slack step from complementarity; elsewhere the
    // slack step comes from the primal row and the multiplier step from complementarity. Taking
    // either route everywhere loses the step to rounding at one end of the Θ range.
    const fromPrimalL = (i: number) => {
      dsl[i] = (Ad[i] as number) + (rl[i] as number);
      dll[i] = ((cl[i] as number) - (ll[i] as number) * (dsl[i] as number)) / (sl[i] as number);
    };
    const fromPrimalU = (i: number) => {
      dsu[i] = -(ru[i] as number) - (Ad[i] as number);
      dlu[i] = ((cu[i] as number) - (lu[i] as number) * (dsu[i] as number)) / (su[i] as number);
    };
    const fromDualL = (i: number, d: number) => {
      dll[i] = d;
      dsl[i] = ((cl[i] as number) - (sl[i] as number) * d) / (ll[i] as number);
    };
    const fromDualU = (i: number, d: number) => {
      dlu[i] = d;
      dsu[i] = ((cu[i] as number) - (su[i] as number) * d) / (lu[i] as number);
    };
    for (let i = 0; i < m; i++) {
      const k = kind[i] as RowKind;
      const dy = sol[n + i] as number;
      if (k === RowKind.Lower) {
        if ((ll[i] as number) >= (sl[i] as number)) fromDualL(i, -dy);
        else fromPrimalL(i);
      } else if (k === RowKind.Upper) {
        if ((lu[i] as number) >= (su[i] as number)) fromDualU(i, dy);
        else fromPrimalU(i);
      } else if (k === RowKind.Both) {
        const tl = (ll[i] as number) / (sl[i] as number);
        const tu = (lu[i] as number) / (su[i] as number);
        if (tu >= tl) {
          fromPrimalL(i);
          if (tu >= 1) fromDualU(i, dy + (dll[i] as number));
          else fromPrimalU(i);
        } else {
          fromPrimalU(i);
          if (tl >= 1) fromDualL(i, (dlu[i] as number) - dy);
          else fromPrimalL(i);
        }
      }
    }
  };
  const maxStep = (): number => {
    let a = 1;
    for (let i = 0; i < m; i++) {
      if (hasL(i)) {
        if ((dsl[i] as number) < 0) a = Math.min(a, -(sl[i] as number) / (dsl[i] as number));
        if ((dll[i] as number) < 0) a = Math.min(a, -(ll[i] as number) / (dll[i] as number));
      }
      if (hasU(i)) {
        if ((dsu[i] as number) < 0) a = Math.min(a, -(su[i] as number) / (dsu[i] as number));
        if ((dlu[i] as number) < 0) a = Math.min(a, -(lu[i] as number) / (dlu[i] as number));
      }
    }
    return a;
  };

  // Initial point (CVXOPT's): the least-squares solution of the KKT system with unit weights,
  // min ½xᵀPx + qᵀx + ½Σ(Aᵢx − tᵢ)², tᵢ the finite bound (the midpoint for two-sided rows);
  // then slacks and multipliers shifted into the positive orthant.
  for (let i = 0; i < m; i++) {
    const k = kind[i] as RowKind;
    rowDiag[i] = k === RowKind.Equal ? -st.delta : -1;
    rowDiagExact[i] = k === RowKind.Equal ? 0 : -1;
  }
  if (!ws.factorWith(p, coupled, rowDiag, st.delta)) {
    return { status: 'numerical_error', x, y: new Float64Array(m), iterations: 0, residuals: kktResiduals(p, x, new Float64Array(m)), timeMs: performance.now() - t0 };
  }
  for (let j = 0; j < n; j++) rhs[j] = -(q[j] as number);
  for (let i = 0; i < m; i++) {
    const k = kind[i] as RowKind;
    rhs[n + i] = k === RowKind.Free ? 0 : k === RowKind.Upper ? (u[i] as number) : k === RowKind.Both ? 0.5 * ((l[i] as number) + (u[i] as number)) : (l[i] as number);
  }
  solveNewton();
  x.set(sol.subarray(0, n));
  mulA(x, z);
  let minS = Infinity;
  let minL = Infinity;
  for (let i = 0; i < m; i++) {
    const w = sol[n + i] as number;
    if (kind[i] === RowKind.Equal) yEq[i] = w;
    if (hasL(i)) {
      sl[i] = (z[i] as number) - (l[i] as number);
      ll[i] = -w;
      minS = Math.min(minS, sl[i] as number);
      minL = Math.min(minL, ll[i] as number);
    }
    if (hasU(i)) {
      su[i] = (u[i] as number) - (z[i] as number);
      lu[i] = w;
      minS = Math.min(minS, su[i] as number);
      minL = Math.min(minL, lu[i] as number);
    }
  }
  const shiftS = minS < 0 ? 1 - minS : 0;
  const shiftL = minL < 0 ? 1 - minL : 0;
  for (let i = 0; i < m; i++) {
    if (hasL(i)) {
      sl[i] = Math.max((sl[i] as number) + shiftS, 1e-8);
      ll[i] = Math.max((ll[i] as number) + shiftL, 1e-8);
    }
    if (hasU(i)) {
      su[i] = Math.max((su[i] as number) + shiftS, 1e-8);
      lu[i] = Math.max((lu[i] as number) + shiftL, 1e-8);
    }
  }

  let status: InteriorPointStatus = 'max_iter_reached';
  let iter = 0;
  const yFull = new Float64Array(m);
  for (; iter < st.maxIter; iter++) {
    // Residuals.
    mulA(x, z);
    mulP(x, Px);
    for (let i = 0; i < m; i++) yFull[i] = coupled[i] ? yOf(i) : 0;
    for (let j = 0; j < n; j++) {
      let g = (Px[j] as number) + (q[j] as number);
      for (let k = A.colPtr[j] as number; k < (A.colPtr[j + 1] as number); k++) g += (A.values[k] as number) * (yFull[A.rowIdx[k] as number] as number);
      rd[j] = g;
    }
    let pres = 0;
    let gap = 0;
    for (let i = 0; i < m; i++) {
      const k = kind[i] as RowKind;
      if (k === RowKind.Equal) {
        rl[i] = (z[i] as number) - (l[i] as number);
        pres = Math.max(pres, Math.abs(rl[i] as number));
      }
      if (hasL(i)) {
        rl[i] = (z[i] as number) - (sl[i] as number) - (l[i] as number);
        pres = Math.max(pres, Math.abs(rl[i] as number));
        gap += (sl[i] as number) * (ll[i] as number);
      }
      if (hasU(i)) {
        ru[i] = (z[i] as number) + (su[i] as number) - (u[i] as number);
        pres = Math.max(pres, Math.abs(ru[i] as number));
        gap += (su[i] as number) * (lu[i] as number);
      }
    }
    let dres = 0;
    for (let j = 0; j < n; j++) dres = Math.max(dres, Math.abs(rd[j] as number));
    const mu = nSides ? gap / nSides : 0;
    let obj = 0;
    for (let j = 0; j < n; j++) obj += (x[j] as number) * (0.5 * (Px[j] as number) + (q[j] as number));
    // The duality gap Σ s·λ against the objective: 1e-10 of it is a 1e-10 relative optimum.
    if (pres <= st.eps * (1 + bNorm) && dres <= st.eps * (1 + qNorm) && gap <= 0.1 * st.eps * (1 + Math.abs(obj))) {
      status = 'solved';
      break;
    }
    // Newton matrix.
    for (let i = 0; i < m; i++) {
      const k = kind[i] as RowKind;
      if (k === RowKind.Free) {
        rowDiag[i] = -1;
        rowDiagExact[i] = -1;
      } else if (k === RowKind.Equal) {
        rowDiag[i] = -st.delta;
        rowDiagExact[i] = 0;
      } else {
        let t = 0;
        if (hasL(i)) t += (ll[i] as number) / (sl[i] as number);
        if (hasU(i)) t += (lu[i] as number) / (su[i] as number);
        theta[i] = t;
        rowDiag[i] = -1 / Math.max(t, 1e-300) - st.delta;
        rowDiagExact[i] = -1 / Math.max(t, 1e-300);
      }
    }
    if (!ws.factorWith(p, coupled, rowDiag, st.delta)) {
      status = 'numerical_error';
      break;
    }
    // Predictor (affine scaling).
    for (let i = 0; i < m; i++) {
      cl[i] = hasL(i) ? -(sl[i] as number) * (ll[i] as number) : 0;
      cu[i] = hasU(i) ? -(su[i] as number) * (lu[i] as number) : 0;
    }
    direction();
    const aAff = maxStep();
    let gapAff = 0;
    for (let i = 0; i < m; i++) {
      if (hasL(i)) gapAff += ((sl[i] as number) + aAff * (dsl[i] as number)) * ((ll[i] as number) + aAff * (dll[i] as number));
      if (hasU(i)) gapAff += ((su[i] as number) + aAff * (dsu[i] as number)) * ((lu[i] as number) + aAff * (dlu[i] as number));
    }
    const sigma = mu > 0 ? Math.min(1, Math.pow(gapAff / nSides / mu, 3)) : 0;
    // Corrector: centring plus the second-order term of the affine step.
    for (let i = 0; i < m; i++) {
      if (hasL(i)) cl[i] = sigma * mu - (sl[i] as number) * (ll[i] as number) - (dsl[i] as number) * (dll[i] as number);
      if (hasU(i)) cu[i] = sigma * mu - (su[i] as number) * (lu[i] as number) - (dsu[i] as number) * (dlu[i] as number);
    }
    direction();
    const a = Math.min(1, 0.99 * maxStep());
    for (let j = 0; j < n; j++) x[j] = (x[j] as number) + a * (sol[j] as number);
    for (let i = 0; i < m; i++) {
      const k = kind[i] as RowKind;
      if (k === RowKind.Equal) yEq[i] = (yEq[i] as number) + a * (sol[n + i] as number);
      if (hasL(i)) {
        sl[i] = (sl[i] as number) + a * (dsl[i] as number);
        ll[i] = (ll[i] as number) + a * (dll[i] as number);
      }
      if (hasU(i)) {
        su[i] = (su[i] as number) + a * (dsu[i] as number);
        lu[i] = (lu[i] as number) + a * (dlu[i] as number);
      }
    }
  }
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) y[i] = coupled[i] ? yOf(i) : 0;
  return { status, x, y, iterations: iter, residuals: kktResiduals(p, x, y), timeMs: performance.now() - t0 };
}
