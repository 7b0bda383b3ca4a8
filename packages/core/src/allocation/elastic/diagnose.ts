/**
 * Diagnostics for an infeasible book: the elastic model. Every hard constraint of every account
 * gets a non-negative slack e (in units of its normaliser) in all its scenario rows, so any
 * allocation is feasible; the model minimises first the NUMBER of relaxed constraints (a binary
 * per constraint, big-M from a bound on the row over all allocations), then their total
 * normalised relaxation, by the same constraint generation as `exact`. Each constraint the
 * optimum relaxes is reported with the smallest change of its limit that makes that allocation
 * comply — recomputed from the allocation in every scenario, in the constraint's own units (a
 * ratio's limit in ratio units).
 */
import { evaluateAllocationMetrics } from '../metrics.js';
import type { AllocationModel } from '../model.js';
import type { AllocationDiagnostics, ConstraintRelaxation, ScenarioSet } from '../types.js';
import { solveAllocationMip } from '../exact/solve.js';
import type { MipSettings } from '../exact/solve.js';

export interface ElasticResult {
  readonly diagnostics: AllocationDiagnostics;
  /** The elastic optimum's allocation (feasible once the reported relaxations are applied). */
  readonly quantities: Float64Array | null;
}

export async function diagnoseInfeasibility(
  model: AllocationModel,
  scenarios: ScenarioSet,
  settings: MipSettings,
): Promise<AllocationDiagnostics> {
  return (await solveElastic(model, scenarios, settings)).diagnostics;
}

export async function solveElastic(
  model: AllocationModel,
  scenarios: ScenarioSet,
  settings: MipSettings,
): Promise<ElasticResult> {
  const mip = await solveAllocationMip(model, scenarios, { ...settings, elastic: 'count', objective: undefined });
  if (mip.kind !== 'solved') {
    const why = mip.kind === 'infeasible' ? 'the elastic model is infeasible (unexpected: every row has a slack)' : mip.reason;
    return { diagnostics: { relaxations: [], notes: [`elastic model did not finish: ${why}`] }, quantities: null };
  }
  const relaxations = measureRelaxations(model, scenarios, mip.quantities);
  const notes = [
    `relaxing ${relaxations.length} constraint${relaxations.length === 1 ? '' : 's'} as listed makes the book feasible ` +
      `(elastic model: fewest relaxed constraints first, then the smallest total relaxation relative to each limit` +
      `${mip.proven ? ', proven optimal' : ', not proven optimal'})`,
  ];
  return { diagnostics: { relaxations, notes }, quantities: mip.quantities };
}

/** For each hard constraint the allocation breaks: the limit change that makes it comply everywhere. */
export function measureRelaxations(
  model: AllocationModel,
  scenarios: ScenarioSet,
  quantities: Float64Array,
): ConstraintRelaxation[] {
  const { values, width } = evaluateAllocationMetrics(model, quantities, scenarios);
  const out: ConstraintRelaxation[] = [];
  model.accounts.forEach((acc, a) => {
    const mv = values[a]!;
    acc.constraints.forEach((c) => {
      if (c.softPenalty !== undefined) return;
      const sense = c.op === '<=' ? 1 : -1;
      let worst = 0;
      for (let s = 0; s < width; s++) {
        let excess: number;
        if (c.ratio) {
          const ratio = mv[c.ratio.num * width + s]! / mv[c.ratio.den * width + s]!;
          excess = sense * (ratio - c.limit);
        } else {
          let g = 0;
          for (const { metric, coef } of c.rows) g += coef * mv[metric * width + s]!;
          excess = sense * (g - c.rhs);
        }
        if (excess > worst) worst = excess;
      }
      // Float noise on a constraint the allocation meets is not a relaxation.
      if (worst <= 1e-9 * Math.max(1, Math.abs(c.limit))) return;
      out.push({
        account: acc.id,
        constraint: c.id,
        op: c.op,
        limit: c.limit,
        relaxation: worst,
        relaxedLimit: c.limit + sense * worst,
      });
    });
  });
  return out;
}
