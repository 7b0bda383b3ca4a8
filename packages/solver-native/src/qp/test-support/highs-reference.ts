import highsModule from 'highs';
import type { QpProblem } from '../types.js';

// highs ships CommonJS typings whose `export default` TypeScript (NodeNext) sees as `.default`,
// while the ESM build it resolves at run time exports the loader itself.
type Loader = (typeof highsModule)['default'];
const highsLoader: Loader = typeof highsModule === 'function' ? (highsModule as unknown as Loader) : highsModule.default;
type Highs = Awaited<ReturnType<Loader>>;
let loaded: Promise<Highs> | undefined;

export interface ReferenceSolution {
  /** HiGHS's model status name, e.g. "optimal". */
  readonly status: string;
  readonly x: Float64Array;
  readonly objective: number;
}

/**
 * Solves a convex QP with HiGHS (its QP solver, WebAssembly) as an independent reference.
 * P's upper triangle, read as CSR, is the lower triangle HiGHS wants in CSC.
 */
export async function solveWithHighs(p: QpProblem): Promise<ReferenceSolution> {
  loaded ??= highsLoader();
  const highs = await loaded;
  const inf = highs.infinity;
  const bound = (v: Float64Array) => Float64Array.from(v, (b) => (b === Infinity ? inf : b === -Infinity ? -inf : b));
  const lower = transposeUpper(p);
  return highs.withModel(
    {
      numCols: p.n,
      numRows: p.m,
      offset: p.r ?? 0,
      colCost: p.q,
      colLower: new Float64Array(p.n).fill(-inf),
      colUpper: new Float64Array(p.n).fill(inf),
      rowLower: bound(p.l),
      rowUpper: bound(p.u),
      matrix: { format: 'csc', numRows: p.m, numCols: p.n, starts: p.A.colPtr, indices: p.A.rowIdx, values: p.A.values },
      ...(p.P.values.length ? { hessian: { format: 'triangular' as const, dimension: p.n, starts: lower.colPtr, indices: lower.rowIdx, values: lower.values } } : {}),
    },
    (model: { options: { set(v: Record<string, boolean | number>): unknown }; run(): unknown; getModelStatus(): number; getSolution(): { colValue: Float64Array }; getObjectiveValue(): number }) => {
      model.options.set({ output_flag: false, primal_feasibility_tolerance: 1e-9, dual_feasibility_tolerance: 1e-9 });
      model.run();
      const code = model.getModelStatus();
      const name = Object.entries(highs.constants.modelStatus).find(([, v]) => v === code)?.[0] ?? String(code);
      const sol = model.getSolution();
      return { status: name, x: Float64Array.from(sol.colValue), objective: model.getObjectiveValue() };
    },
  );
}

/** CSC of the lower triangle from P's upper triangle (a transpose). */
function transposeUpper(p: QpProblem): { colPtr: Int32Array; rowIdx: Int32Array; values: Float64Array } {
  const { colPtr, rowIdx, values } = p.P;
  const n = p.n;
  const count = new Int32Array(n + 1);
  for (let k = 0; k < rowIdx.length; k++) count[rowIdx[k]! + 1]!++;
  for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
  const next = count.slice(0, n);
  const outIdx = new Int32Array(rowIdx.length);
  const outVal = new Float64Array(rowIdx.length);
  for (let j = 0; j < n; j++) {
    for (let k = colPtr[j]!; k < colPtr[j + 1]!; k++) {
      const pos = next[rowIdx[k]!]!++;
      outIdx[pos] = j;
      outVal[pos] = values[k]!;
    }
  }
  return { colPtr: count, rowIdx: outIdx, values: outVal };
}
