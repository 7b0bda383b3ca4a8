/** Pure joins and summaries behind the allocation view (tested in node). */
import type { AllocationRequestLike, AllocationResult, ComplianceRow, Strategy } from './types.js';
import { BINDING_HEADROOM } from './types.js';

export interface AssignmentView {
  trade: string;
  side: string;
  security: string;
  account: string;
  quantity: number;
  tradeQuantity: number;
  share: number;
  /** "1/1" for a whole trade, "k/n" for the k-th of n splits. */
  split: string;
  price: number | undefined;
  notional: number | undefined;
}

export function assignmentView(request: AllocationRequestLike | undefined, result: AllocationResult): AssignmentView[] {
  const trades = new Map((request?.trades ?? []).map((t) => [t.id, t]));
  const parts = new Map<string, number>();
  for (const a of result.assignments) parts.set(a.trade, (parts.get(a.trade) ?? 0) + 1);
  const seen = new Map<string, number>();
  return result.assignments.map((a) => {
    const t = trades.get(a.trade);
    const k = (seen.get(a.trade) ?? 0) + 1;
    seen.set(a.trade, k);
    const total = t?.quantity ?? a.quantity;
    const price = typeof t?.price === 'number' ? t.price : undefined;
    return {
      trade: a.trade,
      side: t?.side ?? '',
      security: t?.security ?? '',
      account: a.account,
      quantity: a.quantity,
      tradeQuantity: total,
      share: total ? a.quantity / total : 1,
      split: `${k}/${parts.get(a.trade)}`,
      price,
      notional: price !== undefined ? (a.quantity * price) / 100 : undefined,
    };
  });
}

export const isBinding = (c: ComplianceRow): boolean => c.pass && c.headroom <= BINDING_HEADROOM;

export interface StrategySummary {
  strategy: Strategy;
  status: string;
  objective: number | undefined;
  financingCost: number | undefined;
  headroomTerm: number | undefined;
  risk: number | undefined;
  minHeadroom: number | undefined;
  failed: number;
  binding: number;
  solver: string;
  timeMs: number | undefined;
  nodes: number | null | undefined;
  /** Trades booked differently from the reference strategy (split trades compare by quantity per account). */
  movedVsReference: number | undefined;
}

function bookingKey(r: AllocationResult): Map<string, string> {
  const m = new Map<string, string[]>();
  for (const a of r.assignments) m.set(a.trade, [...(m.get(a.trade) ?? []), `${a.account}:${a.quantity}`]);
  return new Map([...m].map(([k, v]) => [k, v.sort().join('|')]));
}

export function compareStrategies(results: Partial<Record<Strategy, AllocationResult>>, reference: Strategy = 'exact'): StrategySummary[] {
  const ref = results[reference];
  const refKey = ref ? bookingKey(ref) : undefined;
  return (Object.entries(results) as [Strategy, AllocationResult | undefined][]).flatMap(([strategy, r]) => {
    if (!r) return [];
    let moved: number | undefined;
    if (refKey && r.assignments.length) {
      const k = bookingKey(r);
      moved = 0;
      for (const [t, v] of k) if (refKey.get(t) !== v) moved++;
    }
    const hard = r.compliance.filter((c) => !c.soft);
    return [
      {
        strategy,
        status: r.status,
        objective: r.objective?.value,
        financingCost: r.objective?.terms.financingCost,
        headroomTerm: r.objective?.terms.headroom,
        risk: r.objective?.terms.risk,
        minHeadroom: hard.length ? Math.min(...hard.map((c) => c.headroom)) : undefined,
        failed: hard.filter((c) => !c.pass).length,
        binding: hard.filter(isBinding).length,
        solver: r.solver?.name ?? '',
        timeMs: r.solver?.timeMs,
        nodes: r.solver?.nodes,
        movedVsReference: r.assignments.length ? moved : undefined,
      },
    ];
  });
}

export interface RangeRow {
  account: string;
  constraint: string;
  op: string;
  limit: number;
  base: number;
  worst: number;
  worstScenario: number;
  /** Range over scenarios when the result carries it (metric constraints: from the account's metric report). */
  min: number | undefined;
  max: number | undefined;
  headroom: number;
  binding: boolean;
}

/**
 * For the tightest constraints: the constrained quantity's base, worst and, where the result
 * has them, min and max over scenarios. Per-scenario values are not in the AllocationResult.
 */
export function tightestRanges(request: AllocationRequestLike | undefined, result: AllocationResult, count = 8): RangeRow[] {
  const metricOf = new Map<string, string | undefined>();
  for (const a of request?.accounts ?? []) for (const c of a.constraints ?? []) metricOf.set(`${a.id}\u0000${c.id}`, c.metric);
  const reports = new Map(result.accounts.map((a) => [a.id, new Map(a.metrics.map((m) => [m.id, m]))]));
  return result.compliance
    .filter((c) => !c.soft)
    .slice()
    .sort((a, b) => a.headroom - b.headroom)
    .slice(0, count)
    .map((c) => {
      const metric = metricOf.get(`${c.account}\u0000${c.constraint}`);
      const rep = metric ? reports.get(c.account)?.get(metric) : undefined;
      return {
        account: c.account,
        constraint: c.constraint,
        op: c.op,
        limit: c.limit,
        base: c.base,
        worst: c.worst,
        worstScenario: c.worstScenario,
        min: rep?.min,
        max: rep?.max,
        headroom: c.headroom,
        binding: isBinding(c),
      };
    });
}
