import {
  allocate,
  AllocationRequestSchema,
  buildAllocationModel,
  buildScenarioSet,
  checkRatioDenominators,
  parseAllocationRequest,
  sampleAllocationRequest,
  type AllocationRequest,
  type AllocationResult,
} from '@keel/core/allocation';
import { InputError } from '@keel/core';
import type { Engine } from '../jobs/engine.js';
import { jsonSchemaOf } from './util.js';

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export const allocationEngine: Engine<AllocationRequest> = {
  kind: 'allocation',
  parse(body) {
    // Everything allocate() would refuse is refused here, before a run exists: the schema,
    // cross-field checks, and ratio denominators over the scenario set.
    const request = parseAllocationRequest(body);
    const issues = checkRatioDenominators(buildAllocationModel(request), buildScenarioSet(request));
    if (issues.length) throw new InputError(issues);
    return request;
  },
  size: (r) => r.trades.length * r.accounts.length * Math.max(1, scenarioCount(r)),
  // 200 trades × 5 accounts × 1,000 scenarios answers in seconds; above that, run in the background.
  asyncAbove: 1_000_000,
  async run(request, ctx) {
    const result = await allocate(request, {
      signal: ctx.signal,
      onProgress: (p) => ctx.progress(p.message ?? p.phase, p),
    });
    return { outcome: result.status, output: result };
  },
  sample: () => sampleAllocationRequest(),
  ordersCsv(output) {
    // Booking instructions: which PB account takes how much of each trade.
    const r = output as AllocationResult;
    return `trade,account,quantity\n${r.assignments.map((a) => `${csvField(a.trade)},${csvField(a.account)},${a.quantity}`).join('\n')}\n`;
  },
  openapi: { request: jsonSchemaOf(AllocationRequestSchema), summary: 'Allocate trades to prime-broker accounts (MODELS.md §1)' },
};

function scenarioCount(r: AllocationRequest): number {
  const s = r.scenarios as { returns?: unknown[]; generate?: { count?: number } } | undefined;
  return s?.returns?.length ?? s?.generate?.count ?? 1;
}
