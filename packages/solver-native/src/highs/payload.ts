import { transposeCsc } from '../model/builder.js';
import type { ColumnBlock } from '../model/builder.js';
import type { OptimizationModel, RowBlock } from '../model/types.js';
import type { HighsExtendPayload, HighsModelPayload } from './engine.js';

/** Our model → HiGHS's arrays. Q goes from upper to lower triangle (HiGHS's convention). */
export function toHighsPayload(model: OptimizationModel): HighsModelPayload {
  let anyInt = false;
  for (let j = 0; j < model.nCols; j++) if (model.integer[j]) anyInt = true;
  const base: HighsModelPayload = {
    numCols: model.nCols,
    numRows: model.nRows,
    maximize: model.sense === 'maximize',
    offset: model.offset,
    colCost: model.colCost,
    colLower: model.colLower,
    colUpper: model.colUpper,
    rowLower: model.rowLower,
    rowUpper: model.rowUpper,
    starts: model.A.colPtr,
    indices: model.A.rowIdx,
    values: model.A.values,
  };
  const withInt = anyInt ? { ...base, integrality: Int32Array.from(model.integer) } : base;
  if (!model.Q || model.Q.values.length === 0) return withInt;
  // The transpose of an upper-triangular CSC is the lower triangle in CSC.
  const L = transposeCsc(model.Q);
  return { ...withInt, hessian: { starts: L.colPtr, indices: L.rowIdx, values: L.values } };
}

export function toHighsExtend(cols: ColumnBlock | null, rows: RowBlock | null): HighsExtendPayload {
  return {
    ...(cols && cols.nCols > 0
      ? { cols: { cost: cols.cost, lower: cols.lower, upper: cols.upper, integer: cols.integer } }
      : {}),
    ...(rows && rows.nRows > 0
      ? {
          rows: {
            lower: rows.lower,
            upper: rows.upper,
            numCols: rows.nCols,
            starts: rows.rowPtr,
            indices: rows.colIdx,
            values: rows.values,
          },
        }
      : {}),
  };
}
