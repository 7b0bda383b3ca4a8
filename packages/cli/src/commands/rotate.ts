import { InputError } from '@keel/core';
import { formatOmsCsv } from '@keel/core/orders';
import { rotate, sampleRotationRequest, ROTATION_ENGINES, type RotationEngine, type RotationResult } from '@keel/core/rotation';
import { oneOf, parseCommandArgs } from '../args.js';
import { progress, readJsonFile, writeFileAtomic, type CliIo } from '../io.js';
import type { Command } from './types.js';

const USAGE = 'keel rotate [REQUEST.json] [--engine greedy|qp] [--out FILE] [--orders FILE.csv] [--format table|json]';

const pct = (w: number) => `${(w * 100).toFixed(2)}%`;

function printTable(io: CliIo, r: RotationResult): void {
  const info = r.info as Record<string, unknown>;
  const status = r.engine === 'qp' ? ` status ${String(info.status)}` : '';
  io.out(`engine ${r.engine}${status}; decision: ${r.decision.trade ? 'TRADE' : 'no trade'} (${r.decision.reasons.join(', ')})\n`);
  io.out(`drift L1 ${pct(r.decision.portfolioDrift)}, max name ${pct(r.decision.maxNameDrift)}; held back ${r.decision.heldBack.length}\n`);
  const diagnosis = info.diagnosis as { conflict: string[]; relaxation: { group: string; amount: number }[] } | undefined;
  if (diagnosis) {
    io.out(`infeasible: conflicting constraints ${diagnosis.conflict.join(' + ')}\n`);
    for (const x of diagnosis.relaxation) io.out(`  relax ${x.group} by ${x.amount.toPrecision(4)}\n`);
  }
  if (r.changes.length) {
    io.out(`\n${'symbol'.padEnd(10)} ${'from'.padStart(8)} ${'to'.padStart(8)}  reason\n`);
    for (const c of r.changes) io.out(`${c.symbol.padEnd(10)} ${pct(c.from).padStart(8)} ${pct(c.to).padStart(8)}  ${c.reason}${c.pair ? ` ↔ ${c.pair}` : ''}\n`);
  }
  if (r.orders.length) {
    io.out(`\norders (symbol,side,shares): ${r.orders.length}\n`);
    for (const o of r.orders) io.out(`  ${o.symbol.padEnd(10)} ${o.side.padEnd(4)} ${String(o.shares).padStart(9)}\n`);
  }
  const held = Object.values(r.targets).filter((w) => w !== 0).length;
  io.out(`\ntargets: ${held} names with a non-zero weight, Σw = ${Object.values(r.targets).reduce((a, b) => a + b, 0).toFixed(6)}\n`);
}

/** `keel rotate`: MODELS.md §5 — `{targets, changes, orders, decision, info}`. */
export const rotateCommand: Command = {
  name: 'rotate',
  summary: 'rotation engine (greedy top-K or QP) + policy layer + OMS orders; no file = embedded sample',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      engine: { type: 'string' },
      out: { type: 'string' },
      orders: { type: 'string' },
      format: { type: 'string' },
    });
    if (positionals.length > 1) throw new InputError({ path: 'argv', message: `expected at most one request file (usage: ${USAGE})` });
    const engine: RotationEngine = oneOf('engine', values.engine as string | undefined, ROTATION_ENGINES) ?? 'greedy';
    const format = oneOf('format', values.format as string | undefined, ['table', 'json'] as const) ?? (values.out ? 'json' : 'table');
    const file = positionals[0];
    const request = file ? await readJsonFile(io, file) : sampleRotationRequest();
    const p = progress(io, `rotate (${engine})`);
    let result: RotationResult;
    try {
      result = await rotate(request, { engine });
    } finally {
      p.done();
    }
    const json = `${JSON.stringify(result, null, 2)}\n`;
    if (values.out) io.err(`wrote ${await writeFileAtomic(io, values.out as string, json)}\n`);
    if (values.orders) io.err(`wrote ${await writeFileAtomic(io, values.orders as string, formatOmsCsv(result.orders))}\n`);
    if (format === 'json' && !values.out) io.out(json);
    else if (format === 'table') printTable(io, result);
    return 0;
  },
};
