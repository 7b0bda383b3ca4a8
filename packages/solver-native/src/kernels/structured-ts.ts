import { holderBase } from './dense-ts.js';
import type { StructuredScenarioSpec } from './types.js';

/** Holder aggregates A = H·E and Q = H·G (K × B each), items in order. */
export function aggregateExposure(spec: StructuredScenarioSpec): { first: Float64Array; second: Float64Array | null } {
  const { items: N, holders: K, factors: B, holderWeights: H, exposure: e } = spec;
  const first = new Float64Array(K * B);
  const second = e.second ? new Float64Array(K * B) : null;
  for (let k = 0; k < K; k++) {
    const hRow = k * N;
    const aRow = k * B;
    for (let n = 0; n < N; n++) {
      const h = H[hRow + n]!;
      if (h === 0) continue;
      if (e.kind === 'dense') {
        const eRow = n * B;
        for (let b = 0; b < B; b++) first[aRow + b] = first[aRow + b]! + h * e.first[eRow + b]!;
        if (second && e.second) for (let b = 0; b < B; b++) second[aRow + b] = second[aRow + b]! + h * e.second[eRow + b]!;
      } else {
        const p1 = e.rowPtr[n + 1]!;
        for (let p = e.rowPtr[n]!; p < p1; p++) first[aRow + e.bucket[p]!] = first[aRow + e.bucket[p]!]! + h * e.first[p]!;
        if (second && e.second) for (let p = e.rowPtr[n]!; p < p1; p++) second[aRow + e.bucket[p]!] = second[aRow + e.bucket[p]!]! + h * e.second[p]!;
      }
    }
  }
  return { first, second };
}

/**
 * v[k,s] = base_k + Σ_b x[s,b]·(A[k,b] + ½Q[k,b]·x[s,b]), factors in order. Skipping h = 0 in the
 * aggregation changes nothing (adding 0·finite is exact), so the result is fully defined.
 * Scenarios run innermost over transposed shocks: independent outputs side by side instead of
 * one long dependency chain per output (same arithmetic, same order per output).
 */
export function evaluateStructuredTs(spec: StructuredScenarioSpec, out: Float64Array): void {
  const { items: N, holders: K, scenarios: S, factors: B, shocks: X } = spec;
  const hb = holderBase(spec.holderWeights, K, N, spec.itemBase);
  const { first: A, second: Q } = aggregateExposure(spec);
  const XT = new Float64Array(S * B);
  for (let s = 0; s < S; s++) for (let b = 0; b < B; b++) XT[b * S + s] = X[s * B + b]!;
  for (let k = 0; k < K; k++) {
    const row = k * S;
    out.fill(hb[k]!, row, row + S);
    for (let b = 0; b < B; b++) {
      const a = A[k * B + b]!;
      const xb = b * S;
      if (Q) {
        const hq = 0.5 * Q[k * B + b]!;
        for (let s = 0; s < S; s++) {
          const x = XT[xb + s]!;
          out[row + s] = out[row + s]! + x * (a + hq * x);
        }
      } else {
        for (let s = 0; s < S; s++) out[row + s] = out[row + s]! + XT[xb + s]! * a;
      }
    }
  }
}
