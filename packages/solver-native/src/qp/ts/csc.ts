// Sparse kernels on raw CSC arrays. Monomorphic loops over typed arrays: no closures, no
// allocation, so V8 keeps them optimised inside the ADMM iteration.

/** out = P x with P symmetric, only its upper triangle (diagonal included) stored. */
export function symUpperMatVec(n: number, Pp: Int32Array, Pi: Int32Array, Px: Float64Array, x: Float64Array, out: Float64Array): void {
  out.fill(0, 0, n);
  for (let j = 0; j < n; j++) {
    const xj = x[j]!;
    let acc = 0;
    for (let p = Pp[j]!, end = Pp[j + 1]!; p < end; p++) {
      const i = Pi[p]!;
      const v = Px[p]!;
      out[i]! += v * xj;
      if (i !== j) acc += v * x[i]!;
    }
    out[j]! += acc;
  }
}

/** out = A x, A is m × n. */
export function matVec(m: number, n: number, Ap: Int32Array, Ai: Int32Array, Ax: Float64Array, x: Float64Array, out: Float64Array): void {
  out.fill(0, 0, m);
  for (let j = 0; j < n; j++) {
    const xj = x[j]!;
    if (xj === 0) continue;
    for (let p = Ap[j]!, end = Ap[j + 1]!; p < end; p++) out[Ai[p]!]! += Ax[p]! * xj;
  }
}

/** out = Aᵀ y, A is m × n. */
export function matTVec(n: number, Ap: Int32Array, Ai: Int32Array, Ax: Float64Array, y: Float64Array, out: Float64Array): void {
  for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let p = Ap[j]!, end = Ap[j + 1]!; p < end; p++) acc += Ax[p]! * y[Ai[p]!]!;
    out[j] = acc;
  }
}

export function normInf(v: Float64Array, len = v.length): number {
  let r = 0;
  for (let i = 0; i < len; i++) {
    const a = Math.abs(v[i]!);
    if (a > r) r = a;
  }
  return r;
}

/** ‖diag(s) v‖∞ */
export function scaledNormInf(s: Float64Array, v: Float64Array, len = v.length): number {
  let r = 0;
  for (let i = 0; i < len; i++) {
    const a = Math.abs(s[i]! * v[i]!);
    if (a > r) r = a;
  }
  return r;
}

export function dot(a: Float64Array, b: Float64Array, len = a.length): number {
  let r = 0;
  for (let i = 0; i < len; i++) r += a[i]! * b[i]!;
  return r;
}

/** Infinity norm of each column of a symmetric matrix stored as its upper triangle. */
export function symUpperColNormInf(n: number, Pp: Int32Array, Pi: Int32Array, Px: Float64Array, out: Float64Array): void {
  out.fill(0, 0, n);
  for (let j = 0; j < n; j++) {
    for (let p = Pp[j]!, end = Pp[j + 1]!; p < end; p++) {
      const i = Pi[p]!;
      const a = Math.abs(Px[p]!);
      if (a > out[j]!) out[j] = a;
      if (i !== j && a > out[i]!) out[i] = a;
    }
  }
}
