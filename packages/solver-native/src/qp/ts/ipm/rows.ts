/**
 * What each constraint row is to the interior-point method (as `crates/qp/src/ipm/rows.rs`):
 * free rows (both bounds infinite) leave the Newton system; one-entry inequality rows (a bound on
 * one variable) are absorbed into that variable's diagonal; every other row is a node ("kept").
 * The classes depend on which bounds are finite and on A's pattern, not on values.
 */
export class RowClasses {
  readonly hasL: Uint8Array;
  readonly hasU: Uint8Array;
  readonly eq: Uint8Array;
  /** Index of an absorbed row's single entry in A's arrays, and its column; −1 otherwise. */
  readonly absorbed: Int32Array;
  readonly absorbedCol: Int32Array;
  /** Node of a kept row in the Newton system (n + position), −1 otherwise. */
  readonly node: Int32Array;
  readonly kept: Int32Array;
  /** Finite inequality sides (complementarity pairs). */
  readonly sides: number;

  constructor(m: number, n: number, Ap: Int32Array, Ai: Int32Array, l: Float64Array, u: Float64Array) {
    const len = new Int32Array(m);
    const entry = new Int32Array(m).fill(-1);
    const col = new Int32Array(m).fill(-1);
    for (let j = 0; j < n; j++) {
      for (let k = Ap[j]!; k < Ap[j + 1]!; k++) {
        const i = Ai[k]!;
        len[i]!++;
        entry[i] = k;
        col[i] = j;
      }
    }
    this.hasL = new Uint8Array(m);
    this.hasU = new Uint8Array(m);
    this.eq = new Uint8Array(m);
    this.absorbed = new Int32Array(m).fill(-1);
    this.absorbedCol = new Int32Array(m).fill(-1);
    this.node = new Int32Array(m).fill(-1);
    const kept: number[] = [];
    let sides = 0;
    for (let i = 0; i < m; i++) {
      const lf = Number.isFinite(l[i]!);
      const uf = Number.isFinite(u[i]!);
      if (lf && uf && l[i] === u[i]) this.eq[i] = 1;
      else {
        this.hasL[i] = lf ? 1 : 0;
        this.hasU[i] = uf ? 1 : 0;
        sides += (lf ? 1 : 0) + (uf ? 1 : 0);
      }
      if (!lf && !uf) continue;
      if (!this.eq[i] && len[i] === 1) {
        this.absorbed[i] = entry[i]!;
        this.absorbedCol[i] = col[i]!;
      } else {
        this.node[i] = n + kept.length;
        kept.push(i);
      }
    }
    this.kept = Int32Array.from(kept);
    this.sides = sides;
  }

  isFree(i: number): boolean {
    return !this.eq[i] && !this.hasL[i] && !this.hasU[i];
  }

  equals(o: RowClasses): boolean {
    const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);
    return same(this.hasL, o.hasL) && same(this.hasU, o.hasU) && same(this.eq, o.eq) && same(this.absorbed, o.absorbed) && same(this.node, o.node);
  }
}
