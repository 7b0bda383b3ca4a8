import { InputError } from '@keel/core';
import { parseQpProblem, QP_METHODS, resolveQpSettings, solveQpAsync, type QpBackend, type QpResult } from '@keel/solver-native/qp';
import { oneOf, parseCommandArgs } from '../args.js';
import { progress, readJsonFile, writeFileAtomic, type CliIo } from '../io.js';
import type { Command } from './types.js';

const USAGE = 'keel qp PROBLEM.json [--method admm|ipm] [--backend native|ts] [--out x.json] [--format json|table]';

/** MODELS.md §5 output: infinite objectives (infeasible/unbounded) are written as null. */
export function qpResultToJson(r: QpResult, timeMs: number): Record<string, unknown> {
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    status: r.status,
    x: Array.from(r.x),
    y: Array.from(r.y),
    objective: finite(r.objective),
    iterations: r.info.iterations,
    timeMs,
    backend: r.info.backend,
    method: r.info.method,
    ...(r.primalInfeasibilityCertificate ? { primalInfeasibilityCertificate: Array.from(r.primalInfeasibilityCertificate) } : {}),
    ...(r.dualInfeasibilityCertificate ? { dualInfeasibilityCertificate: Array.from(r.dualInfeasibilityCertificate) } : {}),
    info: { ...r.info, objective: finite(r.info.objective) },
  };
}

function printTable(io: CliIo, r: QpResult, timeMs: number): void {
  const rows: [string, string][] = [
    ['status', r.status],
    ['objective', Number.isFinite(r.objective) ? r.objective.toPrecision(10) : String(r.objective)],
    ['iterations', String(r.info.iterations)],
    ['time', `${timeMs.toFixed(1)} ms (setup ${r.info.setupTimeMs.toFixed(1)}, solve ${r.info.solveTimeMs.toFixed(1)}, polish ${r.info.polishTimeMs.toFixed(1)})`],
    ['backend', r.info.backend],
    ['method', r.info.method],
    ['residuals', `primal ${r.info.primalResidual.toExponential(2)}, dual ${r.info.dualResidual.toExponential(2)}`],
    ...(r.info.method === 'admm' ? ([['rho', `${r.info.rho.toExponential(2)} (${r.info.rhoUpdates} updates)`]] as [string, string][]) : []),
    ['polish', r.info.polish],
  ];
  for (const [k, v] of rows) io.out(`${k.padEnd(11)} ${v}\n`);
  const shown = Math.min(r.x.length, 10);
  if (shown) io.out(`x           ${Array.from(r.x.subarray(0, shown), (v) => v.toPrecision(6)).join(' ')}${r.x.length > shown ? ` … (${r.x.length})` : ''}\n`);
}

/**
 * `keel qp`: solves a QP file of MODELS.md §5 (`{n, m, P, q, r?, A, l, u, settings?}`, also
 * the Maros–Meszaros files). Input is validated before any work (exit 2 with JSON paths); the
 * solve runs off the main thread. `--out` writes the JSON result atomically.
 */
export const qpCommand: Command = {
  name: 'qp',
  summary: 'solve a convex QP file (OSQP ADMM or the interior point; native or TypeScript backend)',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      backend: { type: 'string' },
      method: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
    });
    if (positionals.length !== 1) throw new InputError({ path: 'argv', message: `expected one PROBLEM.json (usage: ${USAGE})` });
    const backend = oneOf<QpBackend>('backend', values.backend as string | undefined, ['native', 'ts']);
    const format = oneOf('format', values.format as string | undefined, ['json', 'table']) ?? (values.out ? 'table' : 'json');
    const json = await readJsonFile(io, positionals[0]!);
    const problem = parseQpProblem(json);
    const method = oneOf('method', values.method as string | undefined, QP_METHODS);
    // The flag wins over the file's own settings.method.
    const fileSettings = (json as { settings?: Record<string, unknown> }).settings;
    const settings = resolveQpSettings(method ? { ...(fileSettings ?? {}), method } : fileSettings);

    const bar = progress(io, 'solving QP');
    const t0 = performance.now();
    let result: QpResult;
    try {
      result = await solveQpAsync(problem, settings, backend ? { backend } : {});
    } finally {
      bar.done();
    }
    const timeMs = performance.now() - t0;
    const output = qpResultToJson(result, timeMs);
    if (values.out) {
      const abs = await writeFileAtomic(io, values.out as string, `${JSON.stringify(output, null, 2)}\n`);
      if (format === 'table') io.err(`wrote ${abs}\n`);
    }
    if (format === 'json') io.out(`${JSON.stringify(output)}\n`);
    else printTable(io, result, timeMs);
    return 0;
  },
};
