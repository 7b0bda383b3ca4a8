import { sectorCapOf, type OptimizationConfig } from './config.js';
import { ModelBuilder, solveModel } from '@keel/solver-native/model';
import { hasBetas, rotationQpLayout, sectorsOf } from './qp-model.js';
import type { RotationName } from './types.js';

/**
 * Names the constraints that make a rotation QP infeasible. Each constraint group gets one
 * elastic slack s ≥ 0 shared by its rows (l − s ≤ a·x ≤ u + s), long_only (w ≥ 0) included; the
 * structural rows (w − w0 = t⁺ − t⁻, w = w⁺ − w⁻, t± ≥ 0, w± ≥ 0) stay hard. The LPs run on HiGHS (simplex: an exact
 * zero/non-zero slack, which an ADMM solve to 1e-9 could not promise in reasonable time).
 * Two questions are answered:
 *  - `relaxation`: one smallest total relaxation, min Σ s_g (how much each group must give);
 *  - `conflict`: an irreducible infeasible set of groups by the deletion filter (drop a group;
 *    if the rest is still infeasible, leave it out), so that "beta conflicts with the caps"
 *    is said even when the cheapest relaxation touches only one of them.
 */

export type ConstraintGroup = 'budget' | 'net' | 'gross' | 'turnover' | 'beta' | 'per_name_cap' | 'per_name_turnover' | 'long_only' | `sector:${string}`;

export interface InfeasibilityDiagnosis {
  /** Groups that together admit no solution, none of them redundant in the conflict. */
  readonly conflict: readonly ConstraintGroup[];
  /** A smallest total relaxation: by how much each group must be widened (weight units). */
  readonly relaxation: readonly { readonly group: ConstraintGroup; readonly amount: number }[];
  readonly lpSolves: number;
}

interface GroupRows {
  readonly group: ConstraintGroup;
  readonly rows: readonly { idx: number[]; val: number[]; lo: number; hi: number }[];
}

function groupRows(universe: readonly RotationName[], c: OptimizationConfig): GroupRows[] {
  const n = universe.length;
  const L = rotationQpLayout(n, c.long_only);
  const range = (start: number) => Array.from({ length: n }, (_, i) => start + i);
  const ones = (k: number) => new Array<number>(k).fill(1);
  const w = range(L.w);
  const out: GroupRows[] = [];
  if (c.budget !== undefined) out.push({ group: 'budget', rows: [{ idx: w, val: ones(n), lo: c.budget, hi: c.budget }] });
  else out.push({ group: 'net', rows: [{ idx: w, val: ones(n), lo: -c.max_net_exposure, hi: c.max_net_exposure }] });
  out.push({
    group: 'gross',
    rows: [c.long_only ? { idx: w, val: ones(n), lo: -Infinity, hi: c.max_gross_exposure } : { idx: [...range(L.wPlus), ...range(L.wMinus)], val: ones(2 * n), lo: -Infinity, hi: c.max_gross_exposure }],
  });
  out.push({ group: 'turnover', rows: [{ idx: [...range(L.tPlus), ...range(L.tMinus)], val: ones(2 * n), lo: -Infinity, hi: c.max_turnover }] });
  if (hasBetas(universe)) out.push({ group: 'beta', rows: [{ idx: w, val: universe.map((u) => u.beta!), lo: -c.beta_tolerance, hi: c.beta_tolerance }] });
  for (const [s, members] of sectorsOf(universe)) {
    const cap = sectorCapOf(c, s);
    out.push({ group: `sector:${s}`, rows: [{ idx: members, val: ones(members.length), lo: c.long_only ? -Infinity : -cap, hi: cap }] });
  }
  out.push({ group: 'per_name_cap', rows: universe.map((_, i) => ({ idx: [L.w + i], val: [1], lo: c.long_only ? -Infinity : -c.per_name_cap, hi: c.per_name_cap })) });
  out.push({
    group: 'per_name_turnover',
    rows: universe.map((u, i) => ({ idx: [L.w + i], val: [1], lo: u.weight - c.max_turnover_per_name, hi: u.weight + c.max_turnover_per_name })),
  });
  // Last: the deletion filter drops groups front to back, so the ones listed last are the ones a
  // conflict keeps when several answers exist; the sign restriction is the most basic of them.
  if (c.long_only) out.push({ group: 'long_only', rows: universe.map((_, i) => ({ idx: [L.w + i], val: [1], lo: 0, hi: Infinity })) });
  return out;
}

/** min Σ s_g over the given groups (HiGHS LP); each group's slack, or null when the LP failed. */
async function elasticLp(universe: readonly RotationName[], c: OptimizationConfig, groups: readonly GroupRows[]): Promise<Float64Array | null> {
  const n = universe.length;
  const L = rotationQpLayout(n, c.long_only);
  const b = new ModelBuilder({ sense: 'minimize' });
  // Columns in the engine's layout: w | t⁺ | t⁻ | (w⁺ | w⁻) | one slack per group.
  // w is free here: long_only is an elastic group of its own, so a conflict can name it.
  b.addVars(n, { lower: -Infinity });
  b.addVars(2 * n, { lower: 0 });
  if (!c.long_only) b.addVars(2 * n, { lower: 0 });
  const s0 = b.addVars(groups.length, { lower: 0, cost: 1 });
  groups.forEach((g, k) => {
    const s = s0 + k;
    for (const r of g.rows) {
      // l − s ≤ a·x ≤ u + s, one row per finite side (both for an equality).
      if (Number.isFinite(r.lo)) b.addRow([...r.idx, s], [...r.val, 1], r.lo, Infinity);
      if (Number.isFinite(r.hi)) b.addRow([...r.idx, s], [...r.val, -1], -Infinity, r.hi);
    }
  });
  universe.forEach((u, i) => b.addRow([L.w + i, L.tPlus + i, L.tMinus + i], [1, -1, 1], u.weight, u.weight));
  if (!c.long_only) for (let i = 0; i < n; i++) b.addRow([L.w + i, L.wPlus + i, L.wMinus + i], [1, -1, 1], 0, 0);
  const r = await solveModel(b.build(), { solver: 'highs' });
  if (r.status !== 'optimal' || !r.hasSolution) return null;
  return Float64Array.from(groups, (_, k) => Math.max(0, r.x[s0 + k]!));
}

export async function diagnoseRotationInfeasibility(universe: readonly RotationName[], config: OptimizationConfig, tol = 1e-9): Promise<InfeasibilityDiagnosis> {
  const all = groupRows(universe, config);
  let lpSolves = 1;
  const slack = await elasticLp(universe, config, all);
  const relaxation = slack ? all.map((g, k) => ({ group: g.group, amount: slack[k]! })).filter((r) => r.amount > tol) : [];
  const infeasible = async (subset: readonly GroupRows[]): Promise<boolean> => {
    lpSolves++;
    const s = await elasticLp(universe, config, subset);
    // A failed LP proves nothing: answer "not shown infeasible", so the group stays in the set
    // (the set may then be larger than irreducible, but never misses the conflict).
    if (!s) return false;
    let total = 0;
    for (const v of s) total += v;
    return total > tol;
  };
  // Deletion filter over groups, in a fixed order: the result is deterministic.
  let keep = [...all];
  for (const g of all) {
    const without = keep.filter((x) => x !== g);
    if (await infeasible(without)) keep = without;
  }
  return { conflict: keep.map((g) => g.group), relaxation, lpSolves };
}
