import { InputError } from '@keel/core';
import {
  evaluateScenariosDense,
  evaluateScenariosStructured,
  generateScenarioProblem,
  nativeKernelIsa,
  type KernelBackend,
} from '@keel/solver-native/kernels';
import { intFlag, oneOf, parseCommandArgs } from '../args.js';
import { progress } from '../io.js';
import type { Command } from './types.js';

const USAGE =
  'keel bench scenarios --instruments N --scenarios S [--holders K] [--factors B] [--dense] [--backend native|ts] [--seed N]';

/**
 * Σ|v| over all holder values to 10 significant digits: no cancellation, so native and TS (and
 * the structured and dense paths, which evaluate the same generated model) print the same
 * checksum although their last bits differ.
 */
export function scenarioChecksum(values: Float64Array): number {
  let acc = 0;
  for (const v of values) acc += Math.abs(v);
  return Number(acc.toPrecision(10));
}

/**
 * `keel bench scenarios`: a seeded duration/convexity book (`generateScenarioProblem`) evaluated
 * once on the structured path (bucket aggregation) or, with `--dense`, as the full S × N
 * scenario matrix of the same model; prints `{timeMs, checksum, backend, ...}` as JSON. Only
 * the evaluation is timed, not the generation.
 */
export const benchCommand: Command = {
  name: 'bench',
  summary: 'time the scenario kernels on a generated problem',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      instruments: { type: 'string' },
      scenarios: { type: 'string' },
      holders: { type: 'string' },
      factors: { type: 'string' },
      dense: { type: 'boolean', default: false },
      backend: { type: 'string' },
      seed: { type: 'string' },
    });
    if (positionals[0] !== 'scenarios' || positionals.length !== 1) {
      throw new InputError({ path: 'argv', message: `expected the subcommand "scenarios" (usage: ${USAGE})` });
    }
    const items = intFlag('instruments', values.instruments, 1);
    const scenarios = intFlag('scenarios', values.scenarios, 1);
    const holders = intFlag('holders', values.holders, 1, 25);
    const factors = intFlag('factors', values.factors, 1, 20);
    const seedText = values.seed;
    const seed = seedText === undefined ? 1 : Number(seedText);
    if (!Number.isInteger(seed)) throw new InputError({ path: '--seed', message: `must be an integer (got "${String(seedText)}")` });
    const backend = oneOf<KernelBackend>('backend', values.backend as string | undefined, ['native', 'ts']);
    const dense = values.dense === true;
    if (dense && items * scenarios > 2 ** 31) {
      throw new InputError({ path: '--scenarios', message: `instruments × scenarios = ${items * scenarios} is too large for one dense matrix (max 2^31 entries)` });
    }

    const p = progress(io, 'bench scenarios');
    try {
      p.update('generating');
      const t0 = performance.now();
      const problem = generateScenarioProblem({ items, scenarios, holders, factors, seed, dense });
      const generateMs = performance.now() - t0;
      const out = new Float64Array(holders * scenarios);
      p.update('evaluating');
      const t1 = performance.now();
      const r = dense ? evaluateScenariosDense(problem.dense!, { backend, out }) : evaluateScenariosStructured(problem.structured, { backend, out });
      const timeMs = performance.now() - t1;
      p.done();
      const result = {
        timeMs: Number(timeMs.toFixed(3)),
        checksum: scenarioChecksum(r.values),
        backend: r.backend,
        path: dense ? 'dense' : 'structured',
        instruments: items,
        scenarios,
        holders,
        factors,
        seed,
        ...(r.backend === 'native' ? { isa: nativeKernelIsa() } : {}),
        generateMs: Number(generateMs.toFixed(1)),
      };
      io.out(`${JSON.stringify(result)}\n`);
      return 0;
    } finally {
      p.done();
    }
  },
};
