import { executionRequestSchema, formatScheduleCsv, parseExecutionRequest, sampleExecutionRequest, solveExecution, type ExecutionRequest, type ExecutionResult } from '@keel/core/execution';
import type { Engine } from '../jobs/engine.js';
import { jsonSchemaOf } from './util.js';

export const executionEngine: Engine<ExecutionRequest> = {
  kind: 'execution',
  parse: (body) => parseExecutionRequest(body),
  size: (r) => r.intervals,
  // Exact solvers answer N = 23,400 in milliseconds; nothing here needs the background.
  asyncAbove: 10_000_000,
  async run(request) {
    const result = solveExecution(request, { sensitivity: true });
    return { outcome: result.status, output: result };
  },
  sample: () => sampleExecutionRequest(),
  ordersCsv: (output) => formatScheduleCsv(output as ExecutionResult),
  openapi: { request: jsonSchemaOf(executionRequestSchema), summary: 'Schedule a parent order over intraday bins (MODELS.md §3)' },
};
