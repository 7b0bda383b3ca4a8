import { InputError } from '../errors/index.js';

export interface AssignmentResult {
  /** rowToCol[i] = column assigned to row i (−1 if the row is unassigned: more rows than columns). */
  readonly rowToCol: Int32Array;
  /** colToRow[j] = row assigned to column j (−1 if unassigned). */
  readonly colToRow: Int32Array;
  readonly cost: number;
}

/**
 * Minimum-cost assignment by the Hungarian algorithm with potentials (Kuhn–Munkres in the
 * O(n²m) shortest-augmenting-path form, Jonker–Volgenant style): for each row, a Dijkstra-like
 * sweep over columns with reduced costs c[i][j] − u[i] − v[j] ≥ 0 finds the cheapest augmenting
 * path. A rectangular matrix is padded with zero-cost dummies to square, so every row of the
 * shorter side is matched and the surplus rows/columns come back as −1.
 *
 * `cost` is row-major, nRows × nCols, finite. Use a large finite value to forbid a pair.
 */
export function solveAssignment(cost: ArrayLike<number>, nRows: number, nCols: number): AssignmentResult {
  if (!Number.isInteger(nRows) || !Number.isInteger(nCols) || nRows < 0 || nCols < 0) {
    throw new InputError({ path: 'assignment.shape', message: `invalid shape ${nRows}×${nCols}` });
  }
  if (cost.length !== nRows * nCols) {
    throw new InputError({ path: 'assignment.cost', message: `length ${cost.length}, expected ${nRows * nCols}` });
  }
  for (let k = 0; k < cost.length; k++) {
    if (!Number.isFinite(cost[k])) {
      throw new InputError({
        path: `assignment.cost[${Math.floor(k / Math.max(nCols, 1))}][${k % Math.max(nCols, 1)}]`,
        message: 'not finite',
      });
    }
  }
  const n = Math.max(nRows, nCols);
  const c = (i: number, j: number): number => (i < nRows && j < nCols ? (cost[i * nCols + j] as number) : 0);
  // 1-based arrays; index 0 is the virtual start column of each augmentation.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1); // p[j] = row matched to column j (0 = none)
  const way = new Int32Array(n + 1);
  const minv = new Float64Array(n + 1);
  const used = new Uint8Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0] as number;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = c(i0 - 1, j - 1) - (u[i0] as number) - (v[j] as number);
        if (cur < (minv[j] as number)) {
          minv[j] = cur;
          way[j] = j0;
        }
        if ((minv[j] as number) < delta) {
          delta = minv[j] as number;
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j] as number] = (u[p[j] as number] as number) + delta;
          v[j] = (v[j] as number) - delta;
        } else {
          minv[j] = (minv[j] as number) - delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0] as number;
      p[j0] = p[j1] as number;
      j0 = j1;
    } while (j0 !== 0);
  }
  const rowToCol = new Int32Array(nRows).fill(-1);
  const colToRow = new Int32Array(nCols).fill(-1);
  let total = 0;
  for (let j = 1; j <= n; j++) {
    const i = (p[j] as number) - 1;
    if (i < nRows && j - 1 < nCols && i >= 0) {
      rowToCol[i] = j - 1;
      colToRow[j - 1] = i;
      total += cost[i * nCols + (j - 1)] as number;
    }
  }
  return { rowToCol, colToRow, cost: total };
}
