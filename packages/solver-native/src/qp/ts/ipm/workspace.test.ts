import { describe, expect, it } from 'vitest';
import { nativeStatus } from '../../../native/index.js';
import { createQpWorkspace } from '../../index.js';
import { resolveQpSettings } from '../../settings.js';
import type { QpProblem, QpSettings } from '../../types.js';
import { createTsQpWorkspace } from '../index.js';

/**
 * min ½xᵀ(I + 11ᵀ)x + qᵀx, −1 ≤ x ≤ 1 with |q| large: every bound is active, and flipping the
 * sign of q swaps every active side, so a warm start at the old optimum is blocked at once.
 */
function boxProblem(n: number, sign: number): QpProblem {
  const colPtr = new Int32Array(n + 1);
  const rowIdx: number[] = [];
  const values: number[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i <= j; i++) {
      rowIdx.push(i);
      values.push(i === j ? 2 : 1);
    }
    colPtr[j + 1] = rowIdx.length;
  }
  const q = Float64Array.from({ length: n }, (_, j) => sign * (j % 2 === 0 ? 30 + j : -30 - j));
  return {
    n,
    m: n,
    P: { nRows: n, nCols: n, colPtr, rowIdx: Int32Array.from(rowIdx), values: Float64Array.from(values) },
    q,
    A: { nRows: n, nCols: n, colPtr: Int32Array.from({ length: n + 1 }, (_, j) => j), rowIdx: Int32Array.from({ length: n }, (_, i) => i), values: new Float64Array(n).fill(1) },
    l: new Float64Array(n).fill(-1),
    u: new Float64Array(n).fill(1),
  };
}

const SETTINGS: Partial<QpSettings> = { method: 'ipm', epsAbs: 1e-8, epsRel: 1e-8, polish: true, warmStart: true };
const backends = [{ name: 'ts', create: (p: QpProblem) => createTsQpWorkspace(p, resolveQpSettings(SETTINGS)) }];
if (nativeStatus().available) backends.push({ name: 'native', create: (p: QpProblem) => createQpWorkspace(p, SETTINGS, { backend: 'native' }) });

describe('interior point: warm starts', () => {
  for (const b of backends) {
    it(`${b.name}: a start blocked by a moved active set falls back instead of crawling`, () => {
      const n = 40;
      const ws = b.create(boxProblem(n, 1));
      expect(ws.solve().status).toBe('solved');
      const flipped = boxProblem(n, -1);
      ws.updateQ(flipped.q);
      const warm = ws.solve();
      ws.dispose();
      const fresh = b.create(flipped);
      const ref = fresh.solve();
      fresh.dispose();
      expect(ref.status).toBe('solved');
      expect(warm.status).toBe('solved');
      expect(Math.abs(warm.objective - ref.objective)).toBeLessThan(1e-6 * (1 + Math.abs(ref.objective)));
      for (let j = 0; j < n; j++) expect(Math.abs(warm.x[j]! - ref.x[j]!)).toBeLessThan(1e-6);
      // at most two fallbacks (snapshot → loose snapshot → cold start), each within 3 steps;
      // without them the warm start crawled for 32 iterations
      expect(warm.info.iterations).toBeLessThanOrEqual(ref.info.iterations + 6);
    });
  }
});
