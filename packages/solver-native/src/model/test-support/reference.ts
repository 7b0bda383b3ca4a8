/**
 * Independent references for tiny models, computed without any solver: LP optimum by vertex
 * enumeration, integer optimum by enumerating every lattice point in a box, seeded random data.
 */

/** mulberry32: small seeded generator for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Dense tiny problem: min cᵀx s.t. rowLo ≤ A x ≤ rowHi, lo ≤ x ≤ hi (all bounds finite). */
export interface DenseProblem {
  c: number[];
  A: number[][];
  rowLo: number[];
  rowHi: number[];
  lo: number[];
  hi: number[];
}

/** Solves a square system by Gaussian elimination with partial pivoting; null if singular. */
export function solveDense(M: number[][], b: number[]): number[] | null {
  const n = b.length;
  const a = M.map((r, i) => [...r, b[i] as number]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i]![k]!) > Math.abs(a[p]![k]!)) p = i;
    if (Math.abs(a[p]![k]!) < 1e-12) return null;
    [a[k], a[p]] = [a[p]!, a[k]!];
    for (let i = k + 1; i < n; i++) {
      const f = a[i]![k]! / a[k]![k]!;
      for (let j = k; j <= n; j++) a[i]![j]! -= f * a[k]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = a[i]![n]!;
    for (let j = i + 1; j < n; j++) s -= a[i]![j]! * x[j]!;
    x[i] = s / a[i]![i]!;
  }
  return x;
}

function feasible(p: DenseProblem, x: number[], tol = 1e-7): boolean {
  for (let j = 0; j < x.length; j++) if (x[j]! < p.lo[j]! - tol || x[j]! > p.hi[j]! + tol) return false;
  for (let i = 0; i < p.A.length; i++) {
    const v = p.A[i]!.reduce((s, a, j) => s + a * x[j]!, 0);
    if (v < p.rowLo[i]! - tol || v > p.rowHi[i]! + tol) return false;
  }
  return true;
}

/** LP optimum by enumerating every vertex (n active constraints out of rows and bounds). */
export function lpByVertices(p: DenseProblem): { value: number; x: number[] } | null {
  const n = p.c.length;
  // Candidate hyperplanes: each row at either side, each bound.
  const planes: { a: number[]; b: number }[] = [];
  p.A.forEach((row, i) => {
    planes.push({ a: row, b: p.rowLo[i]! });
    if (p.rowHi[i] !== p.rowLo[i]) planes.push({ a: row, b: p.rowHi[i]! });
  });
  for (let j = 0; j < n; j++) {
    const e = new Array<number>(n).fill(0);
    e[j] = 1;
    planes.push({ a: e, b: p.lo[j]! });
    planes.push({ a: e, b: p.hi[j]! });
  }
  let best: { value: number; x: number[] } | null = null;
  const choose = (start: number, picked: number[]) => {
    if (picked.length === n) {
      const x = solveDense(
        picked.map((k) => planes[k]!.a),
        picked.map((k) => planes[k]!.b),
      );
      if (x && feasible(p, x)) {
        const v = p.c.reduce((s, c, j) => s + c * x[j]!, 0);
        if (!best || v < best.value) best = { value: v, x };
      }
      return;
    }
    for (let k = start; k < planes.length; k++) choose(k + 1, [...picked, k]);
  };
  choose(0, []);
  return best;
}

/** Pure-integer optimum by enumerating the box lo..hi (integers). */
export function ipByEnumeration(p: DenseProblem): { value: number; x: number[] } | null {
  const n = p.c.length;
  let best: { value: number; x: number[] } | null = null;
  const x = p.lo.map((v) => Math.ceil(v));
  const rec = (j: number) => {
    if (j === n) {
      if (feasible(p, x, 1e-9)) {
        const v = p.c.reduce((s, c, k) => s + c * x[k]!, 0);
        if (!best || v < best.value) best = { value: v, x: [...x] };
      }
      return;
    }
    for (let v = Math.ceil(p.lo[j]!); v <= Math.floor(p.hi[j]!); v++) {
      x[j] = v;
      rec(j + 1);
    }
  };
  rec(0);
  return best;
}
