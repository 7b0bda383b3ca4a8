import { InputError } from '@keel/core';
import {
  allocate,
  formatAllocationJson,
  formatAllocationTables,
  parseAllocationRequest,
  sampleAllocationRequest,
  STRATEGY_NAMES,
  type AllocationResult,
} from '@keel/core/allocation';
import { oneOf, parseCommandArgs } from '../args.js';
import { progress, readJsonFile, writeFileAtomic } from '../io.js';
import type { Command } from './types.js';

const USAGE = 'keel allocate [REQUEST.json] [--strategy exact|bucketed|greedy] [--out FILE] [--format table|json]';

/**
 * `keel allocate`: MODELS.md §5 — an AllocationRequest in (none = the bundled sample book), an
 * AllocationResult out. Exit 0 on a result (also `infeasible`), 2 on invalid input (every
 * offending JSON path printed, nothing written), 1 on an internal failure (status `error`).
 */
export const allocateCommand: Command = {
  name: 'allocate',
  summary: 'assign trades to PB accounts under every scenario; no file = bundled sample book',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      strategy: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
    });
    if (positionals.length > 1) throw new InputError({ path: 'argv', message: `expected at most one request file (usage: ${USAGE})` });
    const strategy = oneOf('strategy', values.strategy as string | undefined, STRATEGY_NAMES);
    const format = oneOf('format', values.format as string | undefined, ['table', 'json'] as const) ?? 'table';
    const file = positionals[0];
    const input = file ? await readJsonFile(io, file) : sampleAllocationRequest();
    const p = progress(io, `allocate${strategy ? ` (${strategy})` : ''}`);
    let result: AllocationResult;
    try {
      result = await allocate(input, {
        ...(strategy ? { strategy } : {}),
        onProgress: (x) => p.update(`${x.phase}${x.fraction !== undefined ? ` ${(x.fraction * 100).toFixed(0)}%` : ''}${x.message ? ` ${x.message}` : ''}`),
      });
    } finally {
      p.done();
    }
    const json = formatAllocationJson(result);
    if (values.out) io.err(`wrote ${await writeFileAtomic(io, values.out as string, json)}\n`);
    if (format === 'json') io.out(json);
    else io.out(formatAllocationTables(result, parseAllocationRequest(input)));
    return result.status === 'error' ? 1 : 0;
  },
};
