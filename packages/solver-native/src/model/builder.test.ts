import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.js';
import { ModelBuilder, csrToCsc, transposeCsc } from './builder.js';
import { checkModel } from './check.js';

describe('ModelBuilder', () => {
  it('builds CSC with merged duplicates, dropped zeros and sorted rows', () => {
    const b = new ModelBuilder();
    const x = b.addVars(3, { upper: 10 });
    b.addRow([2, 0, 2], [1, 3, 4], -Infinity, 5); // duplicate col 2 → 5
    b.addRow([1, 0], [2, 0], 1, 1); // zero dropped
    const m = b.build();
    expect(x).toBe(0);
    expect(m.nRows).toBe(2);
    expect(Array.from(m.A.colPtr)).toEqual([0, 1, 2, 3]);
    expect(Array.from(m.A.rowIdx)).toEqual([0, 1, 0]);
    expect(Array.from(m.A.values)).toEqual([3, 2, 5]);
    expect(() => checkModel(m)).not.toThrow();
  });

  it('returns appended rows and columns as blocks for a live session', () => {
    const b = new ModelBuilder();
    b.addVars(2);
    b.addRow([0, 1], [1, 1], 0, 1);
    const c0 = b.nCols;
    const r0 = b.nRows;
    b.addVar({ integer: true, cost: 2, upper: 3 });
    b.addRow([2, 0], [5, 1], -Infinity, 4);
    b.addRow([1], [7], 2, 2);
    const cols = b.columnsFrom(c0);
    const rows = b.rowsFrom(r0);
    expect(cols).toMatchObject({ nCols: 1 });
    expect(Array.from(cols.integer)).toEqual([1]);
    expect(Array.from(cols.cost)).toEqual([2]);
    expect(rows.nCols).toBe(3);
    expect(Array.from(rows.rowPtr)).toEqual([0, 2, 3]);
    expect(Array.from(rows.colIdx)).toEqual([0, 2, 1]);
    expect(Array.from(rows.values)).toEqual([1, 5, 7]);
  });

  it('stores quadratic terms as the upper triangle of Q', () => {
    const b = new ModelBuilder();
    b.addVars(2);
    b.addQuadratic(1, 0, 1).addQuadratic(0, 0, 2).addQuadratic(0, 1, 0.5).addQuadratic(1, 1, 4);
    const Q = b.build().Q!;
    expect(Array.from(Q.colPtr)).toEqual([0, 1, 3]);
    expect(Array.from(Q.rowIdx)).toEqual([0, 0, 1]);
    expect(Array.from(Q.values)).toEqual([2, 1.5, 4]);
  });

  it('names the offending field on bad input', () => {
    const b = new ModelBuilder();
    b.addVars(2);
    expect(() => b.addRow([0, 2], [1, 1], 0, 1)).toThrow(/model.rows\[0\].indices\[1\]/);
    expect(() => b.addRow([0], [NaN], 0, 1)).toThrow(InputError);
    expect(() => b.addRow([0], [1], 2, 1)).toThrow(/model.rows\[0\].bounds/);
    expect(() => b.addVar({ lower: 3, upper: 1 })).toThrow(/model.cols\[2\].bounds/);
    // A failed row leaves no trace.
    b.addRow([1, 1], [1, 1], 0, 4);
    const m = b.build();
    expect(m.nRows).toBe(1);
    expect(Array.from(m.A.values)).toEqual([2]);
  });

  it('converts CSR ↔ CSC consistently', () => {
    // [[1 0 2], [0 3 0]]
    const A = csrToCsc(2, 3, Int32Array.from([0, 2, 3]), Int32Array.from([0, 2, 1]), Float64Array.from([1, 2, 3]));
    expect(Array.from(A.colPtr)).toEqual([0, 1, 2, 3]);
    expect(Array.from(A.rowIdx)).toEqual([0, 1, 0]);
    const T = transposeCsc(A);
    expect(T.nRows).toBe(3);
    expect(Array.from(T.colPtr)).toEqual([0, 2, 3]);
    expect(Array.from(T.rowIdx)).toEqual([0, 2, 1]);
    expect(Array.from(T.values)).toEqual([1, 2, 3]);
  });
});

describe('checkModel', () => {
  it('rejects a non-convex Q and a lower-triangle entry', () => {
    const b = new ModelBuilder();
    b.addVars(2);
    b.addQuadratic(0, 0, 1).addQuadratic(1, 1, 1).addQuadratic(0, 1, 3); // eigenvalues 4, −2
    expect(() => checkModel(b.build())).toThrow(/not convex/);
    const max = new ModelBuilder({ sense: 'maximize' });
    max.addVars(1);
    max.addQuadratic(0, 0, 1); // maximising a convex function: not concave
    expect(() => checkModel(max.build())).toThrow(/not convex/);
    const good = b.build();
    const Q = { ...good.Q!, rowIdx: Int32Array.from([0, 1, 0]) };
    expect(() => checkModel({ ...good, Q })).toThrow(/model.Q.rowIdx/);
  });

  it('rejects MIQP', () => {
    const b = new ModelBuilder();
    b.addVar({ integer: true, upper: 3 });
    b.addQuadratic(0, 0, 1);
    expect(() => checkModel(b.build())).toThrow(/MIQP/);
  });
});
