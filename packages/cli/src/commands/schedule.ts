import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from '@keel/core';
import {
  fitImpactModels,
  formatComparisonCsv,
  formatScheduleCsv,
  formatSensitivityCsv,
  IMPACT_MODELS,
  parseExecutionRequest,
  parseFillsCsv,
  sampleExecutionRequest,
  sampleImpactFit,
  solveExecution,
  summarizeImpactFit,
  type ExecutionResult,
  type ImpactFit,
  type ImpactFitSummary,
  type ImpactModelName,
} from '@keel/core/execution';
import { oneOf, parseCommandArgs } from '../args.js';
import { readJsonFile, writeFileAtomic, type CliIo } from '../io.js';
import type { Command } from './types.js';

const USAGE = 'keel schedule [REQUEST.json] [--model linear|powerLaw|almgrenChriss] [--fills FILLS.csv] [--out FILE] [--csv DIR] [--format table|json]';

const int = (v: number) => Math.round(v).toLocaleString('en-US');
const money = (v: number) => v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v >= 0 ? '+' : ''}${v.toFixed(2)}%`);
const sci = (v: number) => (Number.isFinite(v) ? v.toExponential(1) : String(v));

function printTable(io: CliIo, r: ExecutionResult, fit: { source: string; summary: ImpactFitSummary } | null): void {
  const i = r.info;
  io.out(`schedule: ${i.model} impact, S = ${int(r.totalShares)} shares over ${r.intervals} bins\n`);
  const kkt = i.kkt ? `; KKT stationarity ${sci(i.kkt.stationarity)}, complementarity ${sci(i.kkt.complementarity)}` : '';
  io.out(`status ${r.status} (${i.solver}${i.qp ? `, QP ${i.qp.status} in ${i.qp.iterations} it. on ${i.qp.backend}${i.qp.refined ? ', exact active-set refinement' : ''}` : ''}, ${i.solveTimeMs.toFixed(3)} ms${kkt})\n`);
  if (r.status === 'infeasible') io.out(`infeasible: the caps hold ${int(r.totalShares - r.shortfall)} shares, ${int(r.shortfall)} short; the schedule below fills every cap\n`);
  if (i.caps) io.out(`caps: ${i.kkt ? `${i.kkt.cappedBins} of ${r.intervals} bins at their cap` : 'every bin at its cap'}\n`);
  if (fit) {
    const l = fit.summary.linear;
    const p = fit.summary.powerLaw;
    io.out(
      `fit (${fit.source}, ${int(fit.summary.fills)} fills): linear β per bin (${l.fittedBins} fitted, ${l.interpolatedBins} interpolated, median R² ${l.medianR2?.toFixed(3) ?? '—'}); ` +
        `power law a = ${p.exponent.toFixed(4)}${p.exponentClamped ? ` (clamped from ${p.rawExponent.toFixed(4)})` : ''}, log R² ${p.r2?.toFixed(3) ?? '—'}, ${p.excluded} fills with slippage ≤ 0 left out\n`,
    );
  }
  if (i.almgrenChriss) {
    const a = i.almgrenChriss;
    io.out(`Almgren–Chriss: κ = ${a.kappa.toPrecision(6)}, κ̃ = ${a.kappaTilde.toPrecision(6)}, η̃ = ${a.etaTilde.toPrecision(6)}; E = ${money(a.expectedCost)}, Var = ${a.variance.toPrecision(6)}${a.closedFormFeasible ? ' (closed form)' : ''}\n`);
  }

  io.out(`\n${'strategy'.padEnd(10)} ${'cost'.padStart(16)} ${'per share'.padStart(10)} ${'optimal saves'.padStart(14)}  note\n`);
  const row = (name: string, cost: number, save: string, note: string) =>
    io.out(`${name.padEnd(10)} ${money(cost).padStart(16)} ${(r.totalShares > 0 ? (cost / r.totalShares).toFixed(4) : '—').padStart(10)} ${save.padStart(14)}  ${note}\n`);
  row('optimal', r.cost, '', r.status === 'infeasible' ? `only ${int(r.totalShares - r.shortfall)} shares` : '');
  row('TWAP', r.baselines.twap.cost, pct(r.improvementPct.vsTwap), r.baselines.twap.withinCaps ? '' : 'exceeds caps');
  if (r.baselines.vwap) row('VWAP', r.baselines.vwap.cost, pct(r.improvementPct.vsVwap), r.baselines.vwap.withinCaps ? '' : 'exceeds caps');

  // The schedule in about 13 groups of bins (half hours for a 390-minute day).
  const N = r.intervals;
  const width = N <= 20 ? 1 : Math.ceil(N / 13);
  io.out(`\nschedule (whole shares${width > 1 ? `, per ${width} bins` : ''}):\n${'bins'.padEnd(12)} ${'optimal'.padStart(10)} ${'TWAP'.padStart(10)}${r.baselines.vwap ? ' ' + 'VWAP'.padStart(10) : ''}\n`);
  for (let s = 0; s < N; s += width) {
    const e = Math.min(N, s + width);
    const sum = (a: readonly number[]) => a.slice(s, e).reduce((x, y) => x + y, 0);
    const label = width === 1 ? String(s) : `${s}–${e - 1}`;
    io.out(`${label.padEnd(12)} ${int(sum(r.schedule)).padStart(10)} ${int(sum(r.baselines.twap.schedule)).padStart(10)}${r.baselines.vwap ? ' ' + int(sum(r.baselines.vwap.schedule)).padStart(10) : ''}\n`);
  }

  if (r.sensitivity?.length) {
    io.out(`\nsensitivity to S:\n${'S'.padStart(12)} ${'status'.padEnd(11)} ${'optimal cost'.padStart(16)} ${'TWAP cost'.padStart(16)} ${'vs TWAP'.padStart(9)} ${'vs VWAP'.padStart(9)} ${'capped'.padStart(7)}\n`);
    for (const s of r.sensitivity) {
      io.out(
        `${int(s.totalShares).padStart(12)} ${s.status.padEnd(11)} ${money(s.cost).padStart(16)} ${money(s.twapCost).padStart(16)} ${pct(s.improvementVsTwapPct).padStart(9)} ${pct(s.improvementVsVwapPct).padStart(9)} ${String(s.cappedBins).padStart(7)}${s.shortfall ? `  short ${int(s.shortfall)}` : ''}\n`,
      );
    }
  }
}

/**
 * `keel schedule`: MODELS.md §5 — an `ExecutionRequest` in, an `ExecutionResult` out (plus `fit`
 * when the impact model was fitted from fills). No file: the embedded sample day, its model fitted
 * from the sample fills. `--fills` fits the model from a fills CSV instead and puts it into the
 * request (or into the sample when no file is given).
 */
export const scheduleCommand: Command = {
  name: 'schedule',
  summary: 'optimal intraday execution schedule (linear, power-law, Almgren–Chriss) vs TWAP/VWAP; no file = embedded sample',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      model: { type: 'string' },
      fills: { type: 'string' },
      out: { type: 'string' },
      csv: { type: 'string' },
      format: { type: 'string' },
    });
    if (positionals.length > 1) throw new InputError({ path: 'argv', message: `expected at most one request file (usage: ${USAGE})` });
    const model = oneOf('model', values.model as string | undefined, IMPACT_MODELS);
    const format = oneOf('format', values.format as string | undefined, ['table', 'json'] as const) ?? (values.out ? 'json' : 'table');
    const file = positionals[0];
    const fillsFile = values.fills as string | undefined;
    if (file && model && !fillsFile) {
      throw new InputError({ path: '--model', message: 'chooses the model of the sample or of --fills; a request file names its own impact.model' });
    }

    let request: unknown;
    let fit: { source: string; summary: ImpactFitSummary } | null = null;
    if (fillsFile) {
      const base = file ? await readJsonFile(io, file) : sampleExecutionRequest();
      if (typeof base !== 'object' || base === null || Array.isArray(base)) throw new InputError({ path: file ?? '', message: 'must be a JSON object (an ExecutionRequest)' });
      const b = base as Record<string, unknown>;
      const baseModel = (b.impact as { model?: unknown } | undefined)?.model;
      const kind: ImpactModelName = model ?? (baseModel === 'powerLaw' ? 'powerLaw' : 'linear');
      if (kind === 'almgrenChriss') throw new InputError({ path: '--model', message: 'fills fit the linear or powerLaw model; Almgren–Chriss parameters come from a request file' });
      const intervals = typeof b.intervals === 'number' && Number.isInteger(b.intervals) && b.intervals > 0 ? b.intervals : 390;
      const fitted = await fitFromFile(io, fillsFile, intervals);
      fit = { source: fillsFile, summary: summarizeImpactFit(fitted) };
      request = {
        ...b,
        intervals,
        impact:
          kind === 'linear'
            ? { model: 'linear', beta: fitted.linear.beta }
            : { model: 'powerLaw', eta: fitted.powerLaw.eta, exponent: fitted.powerLaw.exponent },
      };
    } else if (file) {
      request = await readJsonFile(io, file);
    } else {
      request = sampleExecutionRequest(model ?? 'linear');
      if ((model ?? 'linear') !== 'almgrenChriss') fit = { source: 'embedded sample', summary: summarizeImpactFit(sampleImpactFit()) };
    }

    // Validate before any work or output (InputError → exit 2 with the JSON paths).
    const valid = parseExecutionRequest(request);
    const result = solveExecution(valid, { sensitivity: true });
    const output = fit ? { ...result, fit: fit.summary } : result;
    const json = `${JSON.stringify(output, null, 2)}\n`;
    if (values.out) io.err(`wrote ${await writeFileAtomic(io, values.out as string, json)}\n`);
    if (values.csv) {
      const dir = values.csv as string;
      const files: [string, string][] = [
        ['schedule.csv', formatScheduleCsv(result, valid.volume)],
        ['comparison.csv', formatComparisonCsv(result)],
        ['sensitivity.csv', formatSensitivityCsv(result.sensitivity ?? [])],
      ];
      for (const [name, text] of files) io.err(`wrote ${await writeFileAtomic(io, join(dir, name), text)}\n`);
    }
    if (format === 'json' && !values.out) io.out(json);
    else if (format === 'table') printTable(io, result, fit);
    return 0;
  },
};

async function fitFromFile(io: CliIo, path: string, intervals: number): Promise<ImpactFit> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, path), 'utf8');
  } catch (e) {
    throw new InputError({ path, message: `cannot read file (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
  }
  const fills = parseFillsCsv(text, { fileName: path });
  // Rows are numbered as in the file: row 1 is the header.
  return fitImpactModels(fills, { intervals, where: (i, field) => `${path}:${i + 2}:${field}` });
}
