import { describe, expect, it } from 'vitest';
import { nativeStatus } from '../native/index.js';
import { generatePortfolioQp } from './generators/portfolio.js';
import { createQpWorkspace } from './index.js';
import type { QpProblem, QpSettings } from './types.js';

/**
 * `ipmCountedOrder` (native interior point): off, only plain AMD is computed. Where plain AMD
 * wins the comparison anyway the run is the same; where the counted order wins, off gives the
 * bigger factor and the same answer.
 */
const status = nativeStatus();

const run = (p: QpProblem, settings: Partial<QpSettings>) => {
  const ws = createQpWorkspace(p, { method: 'ipm', epsAbs: 1e-8, epsRel: 1e-8, ...settings }, { backend: 'native' });
  try {
    return ws.solve();
  } finally {
    ws.dispose();
  }
};

describe.skipIf(!status.available)(`ipmCountedOrder (native)${status.available ? '' : ` (skipped: ${status.reason})`}`, () => {
  it('off: the counted order is not tried — a bigger factor where it would have won, the same optimum', () => {
    // Many factors on few assets: the dense factor rows dominate, where counting them pays.
    const { problem } = generatePortfolioQp({ assets: 3000, factors: 60, seed: 3 });
    const on = run(problem, {});
    const off = run(problem, { ipmCountedOrder: false });
    expect(on.status).toBe('solved');
    expect(off.status).toBe('solved');
    expect(off.info.factorNnz!).toBeGreaterThan(on.info.factorNnz!);
    expect(Math.abs(off.info.objective - on.info.objective)).toBeLessThan(1e-6 * Math.abs(on.info.objective));
  });

  it('off: the same run where plain AMD wins anyway', () => {
    // A box-constrained diagonal QP with one dense budget row: plain AMD is kept by the comparison.
    const n = 400;
    const colPtr = Int32Array.from({ length: n + 1 }, (_, j) => 2 * j);
    const rowIdx = Int32Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? 0 : 1 + (k >> 1)));
    const problem: QpProblem = {
      n,
      m: n + 1,
      P: { nRows: n, nCols: n, colPtr: Int32Array.from({ length: n + 1 }, (_, j) => j), rowIdx: Int32Array.from({ length: n }, (_, j) => j), values: Float64Array.from({ length: n }, (_, j) => 1 + (j % 7)) },
      q: Float64Array.from({ length: n }, (_, j) => Math.sin(j)),
      A: { nRows: n + 1, nCols: n, colPtr, rowIdx, values: new Float64Array(2 * n).fill(1) },
      l: Float64Array.from({ length: n + 1 }, (_, i) => (i === 0 ? 1 : -0.1)),
      u: Float64Array.from({ length: n + 1 }, (_, i) => (i === 0 ? 1 : 0.1)),
    };
    const on = run(problem, {});
    const off = run(problem, { ipmCountedOrder: false });
    expect(off.info.factorNnz).toBe(on.info.factorNnz);
    expect(off.info.iterations).toBe(on.info.iterations);
    expect(Array.from(off.x)).toEqual(Array.from(on.x));
  });
});
