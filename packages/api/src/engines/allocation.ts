import {
  allocate,
  AllocationRequestSchema,
  buildAllocationModel,
  buildScenarioSet,
  checkRatioDenominators,
  parseAllocationRequest,
  sampleAllocationRequest,
  validateAllocation,
  type AllocationRequest,
  type AllocationResult,
} from '@keel/core/allocation';
import { InputError } from '@keel/core';
import { ApiError } from '../errors.js';
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
      runId: ctx.runId,
      signal: ctx.signal,
      onProgress: (p) => ctx.progress(p.message ?? p.phase, p),
    });
    return { outcome: result.status, output: result };
  },
  sample: () => sampleAllocationRequest(),
  async scenarioValues(stored, output, query) {
    const account = query.account;
    const constraint = query.constraint;
    if (!account || !constraint)
      throw new InputError([
        ...(account ? [] : [{ path: 'query.account', message: 'required' }]),
        ...(constraint ? [] : [{ path: 'query.constraint', message: 'required' }]),
      ]);
    const result = output as AllocationResult;
    const row = result.compliance.find((r) => r.account === account && r.constraint === constraint);
    if (!row) throw new ApiError(404, 'not_found', `no constraint ${constraint} on account ${account} in this run`);
    // Recomputed from the stored request with the independent validator: index 0 is the base.
    const request = parseAllocationRequest(stored);
    const rep = validateAllocation(request, buildScenarioSet(request), result.assignments, { seriesFor: { account, constraint } });
    return { values: rep.series ?? [], account, constraint, op: row.op, limit: row.limit, kind: row.kind };
  },
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
