import { ModelBuilder, solveModel } from '@keel/solver-native/model';
import { sectorCapOf, type OptimizationConfig } from '../config.js';
import type { RotationName } from '../types.js';

/**
 * The rotation QP written a second, independent way and solved by HiGHS: absolute values
 * through epigraph variables (gᵢ ≥ |wᵢ| for gross, dᵢ ≥ |wᵢ − w0ᵢ| for cost and turnover)
 * instead of the engine's split variables, bounds on columns instead of rows, and HiGHS's QP
 * (active set) instead of ADMM. Used only by tests, as the reference objective.
 */
export async function solveReferenceRotationQp(
  universe: readonly RotationName[],
  c: OptimizationConfig,
  sigma: Float64Array,
  /**
   * `omit`: constraint groups to leave out (names as in elastic.ts), to check a reported
   * conflict; `feasibilityOnly` drops the objective (status optimal ⇔ feasible).
   */
  opts: { omit?: ReadonlySet<string>; feasibilityOnly?: boolean } = {},
): Promise<{ status: string; objective: number; w: Float64Array }> {
  const n = universe.length;
  const omit = opts.omit ?? new Set<string>();
  const obj = !opts.feasibilityOnly;
  const keep = (g: string) => !omit.has(g);
  const b = new ModelBuilder({ sense: 'minimize' });
  const w = universe.map((u) =>
    b.addVar({
      lower: Math.max(c.long_only ? 0 : -Infinity, keep('per_name_cap') ? -c.per_name_cap : -Infinity, keep('per_name_turnover') ? u.weight - c.max_turnover_per_name : -Infinity),
      upper: Math.min(keep('per_name_cap') ? c.per_name_cap : Infinity, keep('per_name_turnover') ? u.weight + c.max_turnover_per_name : Infinity),
      cost: obj ? -u.z : 0,
    }),
  );
  const g = universe.map(() => b.addVar({ lower: 0 }));
  const d = universe.map((u) => b.addVar({ lower: 0, cost: obj ? c.gamma_cost * u.cost : 0 }));
  universe.forEach((u, i) => {
    b.addRow([g[i]!, w[i]!], [1, -1], 0, Infinity);
    b.addRow([g[i]!, w[i]!], [1, 1], 0, Infinity);
    b.addRow([d[i]!, w[i]!], [1, -1], -u.weight, Infinity);
    b.addRow([d[i]!, w[i]!], [1, 1], u.weight, Infinity);
  });
  const ones = new Array<number>(n).fill(1);
  if (c.budget !== undefined && keep('budget')) b.addRow(w, ones, c.budget, c.budget);
  if (keep('net') && (c.budget === undefined || keep('budget'))) b.addRow(w, ones, -c.max_net_exposure, c.max_net_exposure);
  if (keep('gross')) b.addRow(g, ones, -Infinity, c.max_gross_exposure);
  if (keep('turnover')) b.addRow(d, ones, -Infinity, c.max_turnover);
  if (keep('beta') && universe.every((u) => u.beta !== undefined)) b.addRow(w, universe.map((u) => u.beta!), -c.beta_tolerance, c.beta_tolerance);
  const sectors = [...new Set(universe.flatMap((u) => (u.sector === undefined ? [] : [u.sector])))];
  for (const s of sectors) {
    if (!keep(`sector:${s}`)) continue;
    const idx = universe.flatMap((u, i) => (u.sector === s ? [w[i]!] : []));
    b.addRow(idx, new Array<number>(idx.length).fill(1), -sectorCapOf(c, s), sectorCapOf(c, s));
  }
  if (obj) for (let i = 0; i < n; i++) for (let j = i; j < n; j++) if (sigma[i * n + j] !== 0) b.addQuadratic(w[i]!, w[j]!, 2 * c.lambda_risk * sigma[i * n + j]!);
  const r = await solveModel(b.build(), { solver: 'highs' });
  return { status: r.status, objective: -r.objective, w: Float64Array.from(w, (j) => (r.hasSolution ? r.x[j]! : NaN)) };
}
