/**
 * Iterates and directions of the interior-point method on the scaled problem (as
 * `crates/qp/src/ipm/point.rs`). Each finite inequality side of row i has a slack and a
 * multiplier (lower: sₗ = aᵢx − lᵢ, λₗ; upper: sᵤ = uᵢ − aᵢx, λᵤ) and yᵢ = λᵤ − λₗ (OSQP's sign);
 * equality rows carry a free yᵢ, free rows y = 0.
 */
import type { RowClasses } from './rows.js';

export class Iterate {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly sl: Float64Array;
  readonly ll: Float64Array;
  readonly su: Float64Array;
  readonly lu: Float64Array;

  constructor(n: number, m: number) {
    this.x = new Float64Array(n);
    this.y = new Float64Array(m);
    this.sl = new Float64Array(m);
    this.ll = new Float64Array(m);
    this.su = new Float64Array(m);
    this.lu = new Float64Array(m);
  }

  copyFrom(o: Iterate): void {
    this.x.set(o.x);
    this.y.set(o.y);
    this.sl.set(o.sl);
    this.ll.set(o.ll);
    this.su.set(o.su);
    this.lu.set(o.lu);
  }

  /** Mean complementarity (0 without inequality sides). */
  mu(rows: RowClasses): number {
    if (rows.sides === 0) return 0;
    let g = 0;
    for (let i = 0; i < this.y.length; i++) {
      if (rows.hasL[i]) g += this.sl[i]! * this.ll[i]!;
      if (rows.hasU[i]) g += this.su[i]! * this.lu[i]!;
    }
    return g / rows.sides;
  }

  /** y from the side multipliers on inequality rows. */
  syncY(rows: RowClasses): void {
    for (let i = 0; i < this.y.length; i++) {
      if (!rows.eq[i]) this.y[i] = (rows.hasU[i] ? this.lu[i]! : 0) - (rows.hasL[i] ? this.ll[i]! : 0);
    }
  }

  isFinite(): boolean {
    for (const v of [this.x, this.y, this.sl, this.ll, this.su, this.lu]) for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) return false;
    return true;
  }
}

/** Largest α ∈ (0, 1] keeping every slack and multiplier of it + α·d non-negative. */
export function maxStep(it: Iterate, d: Iterate, rows: RowClasses): number {
  let a = 1;
  for (let i = 0; i < it.y.length; i++) {
    if (rows.hasL[i]) {
      if (d.sl[i]! < 0) a = Math.min(a, -it.sl[i]! / d.sl[i]!);
      if (d.ll[i]! < 0) a = Math.min(a, -it.ll[i]! / d.ll[i]!);
    }
    if (rows.hasU[i]) {
      if (d.su[i]! < 0) a = Math.min(a, -it.su[i]! / d.su[i]!);
      if (d.lu[i]! < 0) a = Math.min(a, -it.lu[i]! / d.lu[i]!);
    }
  }
  return a;
}

/** Mean complementarity at it + α·d. */
export function muAt(it: Iterate, d: Iterate, alpha: number, rows: RowClasses): number {
  if (rows.sides === 0) return 0;
  let g = 0;
  for (let i = 0; i < it.y.length; i++) {
    if (rows.hasL[i]) g += (it.sl[i]! + alpha * d.sl[i]!) * (it.ll[i]! + alpha * d.ll[i]!);
    if (rows.hasU[i]) g += (it.su[i]! + alpha * d.su[i]!) * (it.lu[i]! + alpha * d.lu[i]!);
  }
  return g / rows.sides;
}

/**
 * it += α·d (then y from the sides on inequality rows, as `syncY`); returns the new iterate's
 * mean complementarity (`mu`: the same sum in the same order), found in the same pass.
 */
export function takeStep(it: Iterate, d: Iterate, alpha: number, rows: RowClasses): number {
  for (let j = 0; j < it.x.length; j++) it.x[j]! += alpha * d.x[j]!;
  let g = 0;
  for (let i = 0; i < it.y.length; i++) {
    if (rows.eq[i]) {
      it.y[i]! += alpha * d.y[i]!;
      continue;
    }
    let up = 0;
    let lo = 0;
    if (rows.hasL[i]) {
      it.sl[i]! += alpha * d.sl[i]!;
      it.ll[i]! += alpha * d.ll[i]!;
      g += it.sl[i]! * it.ll[i]!;
      lo = it.ll[i]!;
    }
    if (rows.hasU[i]) {
      it.su[i]! += alpha * d.su[i]!;
      it.lu[i]! += alpha * d.lu[i]!;
      g += it.su[i]! * it.lu[i]!;
      up = it.lu[i]!;
    }
    it.y[i] = up - lo;
  }
  return rows.sides === 0 ? 0 : g / rows.sides;
}

/**
 * Mehrotra's starting-point heuristic: shift slacks and multipliers by 1.5× their most negative
 * entry, then by half the mean complementarity over the family's sum; `floor` is the least value kept.
 */
export function centerStart(it: Iterate, rows: RowClasses, floor: number): void {
  const m = it.y.length;
  if (rows.sides === 0) return;
  let minS = Infinity;
  let minL = Infinity;
  for (let i = 0; i < m; i++) {
    if (rows.hasL[i]) {
      minS = Math.min(minS, it.sl[i]!);
      minL = Math.min(minL, it.ll[i]!);
    }
    if (rows.hasU[i]) {
      minS = Math.min(minS, it.su[i]!);
      minL = Math.min(minL, it.lu[i]!);
    }
  }
  const shiftS = Math.max(-1.5 * minS, 0);
  const shiftL = Math.max(-1.5 * minL, 0);
  let dot = 0;
  let sumS = 0;
  let sumL = 0;
  for (let i = 0; i < m; i++) {
    if (rows.hasL[i]) {
      it.sl[i]! += shiftS;
      it.ll[i]! += shiftL;
      dot += it.sl[i]! * it.ll[i]!;
      sumS += it.sl[i]!;
      sumL += it.ll[i]!;
    }
    if (rows.hasU[i]) {
      it.su[i]! += shiftS;
      it.lu[i]! += shiftL;
      dot += it.su[i]! * it.lu[i]!;
      sumS += it.su[i]!;
      sumL += it.lu[i]!;
    }
  }
  const extraS = sumL > 0 ? (0.5 * dot) / sumL : 0;
  const extraL = sumS > 0 ? (0.5 * dot) / sumS : 0;
  for (let i = 0; i < m; i++) {
    if (rows.hasL[i]) {
      it.sl[i] = Math.max(it.sl[i]! + extraS, floor);
      it.ll[i] = Math.max(it.ll[i]! + extraL, floor);
    }
    if (rows.hasU[i]) {
      it.su[i] = Math.max(it.su[i]! + extraS, floor);
      it.lu[i] = Math.max(it.lu[i]! + extraL, floor);
    }
  }
  it.syncY(rows);
}
