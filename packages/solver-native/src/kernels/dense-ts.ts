import type { DenseScenarioSpec } from './types.js';

/**
 * Items per block: a block of K holder rows (K × 2048 × 8 B = 400 kB at K = 25) stays in L2
 * while every scenario row streams past it once. Part of the result's definition: each output
 * is its base plus one partial sum per block, blocks in order, items in order inside a block.
 */
export const DENSE_ITEM_BLOCK = 2048;

/** Σ_n h[k,n]·base[n] per holder, items in order; zeros when there is no base. */
export function holderBase(h: Float64Array, holders: number, items: number, base: Float64Array | undefined): Float64Array {
  const out = new Float64Array(holders);
  if (!base) return out;
  for (let k = 0; k < holders; k++) {
    let acc = 0;
    const row = k * items;
    for (let n = 0; n < items; n++) acc += h[row + n]! * base[n]!;
    out[k] = acc;
  }
  return out;
}

/**
 * out (K × S) = base + H · Rᵀ, blocked over items; inside a block a 2-scenario × 4-holder tile
 * keeps 8 independent accumulators (V8 keeps them in registers; loads are 6 per 8 multiply-adds).
 */
export function evaluateDenseTs(spec: DenseScenarioSpec, out: Float64Array): void {
  const { items: N, holders: K, scenarios: S, holderWeights: H, scenarioValues: R } = spec;
  const hb = holderBase(H, K, N, spec.itemBase);
  for (let k = 0; k < K; k++) out.fill(hb[k]!, k * S, (k + 1) * S);
  for (let n0 = 0; n0 < N; n0 += DENSE_ITEM_BLOCK) {
    const n1 = Math.min(N, n0 + DENSE_ITEM_BLOCK);
    let s = 0;
    for (; s + 2 <= S; s += 2) {
      const r0 = s * N;
      const r1 = r0 + N;
      let k = 0;
      for (; k + 4 <= K; k += 4) {
        const h0 = k * N;
        const h1 = h0 + N;
        const h2 = h1 + N;
        const h3 = h2 + N;
        let a00 = 0, a01 = 0, a10 = 0, a11 = 0, a20 = 0, a21 = 0, a30 = 0, a31 = 0;
        for (let n = n0; n < n1; n++) {
          const x0 = R[r0 + n]!;
          const x1 = R[r1 + n]!;
          const y0 = H[h0 + n]!;
          const y1 = H[h1 + n]!;
          const y2 = H[h2 + n]!;
          const y3 = H[h3 + n]!;
          a00 += y0 * x0;
          a01 += y0 * x1;
          a10 += y1 * x0;
          a11 += y1 * x1;
          a20 += y2 * x0;
          a21 += y2 * x1;
          a30 += y3 * x0;
          a31 += y3 * x1;
        }
        const o = k * S + s;
        out[o] = out[o]! + a00;
        out[o + 1] = out[o + 1]! + a01;
        out[o + S] = out[o + S]! + a10;
        out[o + S + 1] = out[o + S + 1]! + a11;
        out[o + 2 * S] = out[o + 2 * S]! + a20;
        out[o + 2 * S + 1] = out[o + 2 * S + 1]! + a21;
        out[o + 3 * S] = out[o + 3 * S]! + a30;
        out[o + 3 * S + 1] = out[o + 3 * S + 1]! + a31;
      }
      for (; k < K; k++) {
        const h0 = k * N;
        let a0 = 0, a1 = 0;
        for (let n = n0; n < n1; n++) {
          const y = H[h0 + n]!;
          a0 += y * R[r0 + n]!;
          a1 += y * R[r1 + n]!;
        }
        out[k * S + s] = out[k * S + s]! + a0;
        out[k * S + s + 1] = out[k * S + s + 1]! + a1;
      }
    }
    for (; s < S; s++) {
      const r0 = s * N;
      for (let k = 0; k < K; k++) {
        const h0 = k * N;
        let a = 0;
        for (let n = n0; n < n1; n++) a += H[h0 + n]! * R[r0 + n]!;
        out[k * S + s] = out[k * S + s]! + a;
      }
    }
  }
}
