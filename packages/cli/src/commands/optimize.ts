import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '@keel/core';
import { readPortfolioTables } from '@keel/core/data';
import { portfolioOutputFiles, runPortfolio, SAMPLE_PORTFOLIO_DIR, SOLVE_METHOD_CHOICES, type PortfolioRunResult } from '@keel/core/portfolio';
import { oneOf, parseCommandArgs } from '../args.js';
import { progress, readJsonFile, type CliIo } from '../io.js';
import type { Command } from './types.js';

const USAGE = 'keel optimize [--data DIR] [--config CONFIG.json] --out DIR [--method auto|admm|interior-point] [--backend native|ts]';

/**
 * Writes every file into a fresh sibling directory, then swaps it in with renames: a reader
 * of DIR sees the old results or the new ones, never a mix or a partial file.
 */
async function writeDirAtomic(io: CliIo, dir: string, files: Record<string, string>): Promise<string> {
  const target = resolve(io.cwd, dir);
  await mkdir(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp);
  for (const [name, content] of Object.entries(files)) await writeFile(join(tmp, name), content);
  if (existsSync(target)) {
    const old = join(dirname(target), `.${basename(target)}.${process.pid}.old`);
    await rename(target, old);
    await rename(tmp, target);
    await rm(old, { recursive: true, force: true });
  } else await rename(tmp, target);
  return target;
}

const money = (x: number) => (Math.abs(x) >= 1e6 ? `${(x / 1e6).toFixed(3)}M` : x.toFixed(0));

function formatSummary(r: PortfolioRunResult, out: string): string {
  const s = r.summary;
  const a = s.objective.rounded;
  const o = s.objective.optimal;
  const lines = [
    `status        ${s.status} (${s.solver.method}${s.solver.admm ? `; ADMM ${s.solver.admm.status} after ${s.solver.admm.iterations} iterations on ${s.solver.admm.backend}` : ''}${s.solver.interiorPoint ? `; interior point ${s.solver.interiorPoint.status} in ${s.solver.interiorPoint.iterations} iterations` : ''})`,
    `book          ${s.sizes.instruments} instruments (${s.sizes.tradable} tradable, ${s.sizes.held} held), ${s.sizes.factors} factors, NAV ${money(s.nav)} ${s.numeraire}`,
    `model         ${s.sizes.qp.variables} variables, ${s.sizes.qp.rows} rows; KKT residuals primal ${s.solver.kkt.primal.toExponential(1)}, dual ${s.solver.kkt.dual.toExponential(1)}`,
    `objective     ${money(o.objective)} unrounded, ${money(a.objective)} rounded (${s.numeraire} over the horizon)`,
    `  alpha ${money(o.alpha)}  dividends ${money(o.dividends)}  factor risk ${money(o.factorRisk)}  specific risk ${money(o.specificRisk)}`,
    `  linear ${money(o.linearCost)}  impact ${money(o.impactCost)}  borrow ${money(o.borrowCost)}  financing ${money(o.financingCost)}  create/redeem ${money(o.createRedeemCost)}  EFP ${money(o.efpCost)}  FX ${money(o.fxCost)}  margin ${money(o.marginCost)}  penalties ${money(o.penalties)}`,
    `exposure      net ${money(s.metrics.rounded.net)}  gross ${money(s.metrics.rounded.gross)}  turnover ${money(s.metrics.rounded.turnover)}  margin ${money(s.metrics.rounded.margin)} (${money(s.metrics.rounded.marginWithoutCredit)} without hedge credit)  vol ${(s.metrics.rounded.volatility * 100).toFixed(2)}%`,
    ...(s.metrics.rounded.fxExposure
      ? [`currency      ${Object.entries(s.metrics.rounded.fxExposure).map(([c, v]) => `${c} ${money(v)} (now ${money(s.metrics.current.fxExposure?.[c] ?? NaN)})`).join('  ')}`]
      : []),
    `trades        ${s.trades.orders} OMS orders, ${s.trades.conversions} create/redeem/EFP, ${s.trades.fxOrders} FX orders`,
    `constraints   ${s.constraints.binding} binding; ${s.constraints.violated.length} violated unrounded; ${s.constraints.violatedByRounding.length} broken by rounding`,
    ...(s.roundingResolve
      ? [
          `  conversions rounded first, the rest re-solved (${s.roundingResolve.timeMs.toFixed(0)} ms): rounding broke ${s.roundingResolve.brokenBefore} (${money(s.roundingResolve.breachBefore)} over) → ${s.roundingResolve.brokenAfter} (${money(s.roundingResolve.breachAfter)} over)${s.roundingResolve.used ? '' : `; not used: ${s.roundingResolve.reason}`}`,
        ]
      : []),
    ...s.constraints.violatedByRounding.slice(0, 10).map((v) => `  rounding broke ${v.id}: ${v.value} outside [${v.lower}, ${v.upper}]`),
    `data QC       ${s.diagnostics.error} errors, ${s.diagnostics.warning} warnings (see run-log.json)`,
    `wrote         ${out}`,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * `keel optimize`: MODELS.md §5 — seed 03's tables (Parquet or CSV) and a run config in, the
 * optimal book, trades, OMS orders, constraint diagnostics, summary and run log out. Without
 * --data it runs the embedded 2,000-instrument sample; without --config it uses DIR/config.json
 * when present, else the defaults. Exit 0 on a result (also infeasible or inaccurate, which are
 * answers), 2 on invalid input (table:row:column or JSON path, nothing written), 1 on failure.
 */
export const optimizeCommand: Command = {
  name: 'optimize',
  summary: 'single-period portfolio construction from seed 03 tables; no --data = embedded sample',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      data: { type: 'string' },
      config: { type: 'string' },
      out: { type: 'string' },
      method: { type: 'string' },
      backend: { type: 'string' },
    });
    if (positionals.length) throw new InputError({ path: 'argv', message: `unexpected argument "${positionals[0]}" (usage: ${USAGE})` });
    if (!values.out) throw new InputError({ path: '--out', message: 'required: the directory to write the results to' });
    const method = oneOf('method', values.method as string | undefined, SOLVE_METHOD_CHOICES);
    const backend = oneOf('backend', values.backend as string | undefined, ['native', 'ts'] as const);
    const dataDir = values.data ? resolve(io.cwd, values.data as string) : SAMPLE_PORTFOLIO_DIR;
    let config: unknown = {};
    if (values.config) config = await readJsonFile(io, values.config as string);
    else if (existsSync(join(dataDir, 'config.json'))) config = await readJsonFile(io, join(dataDir, 'config.json'));
    if (method || backend) {
      const c = (typeof config === 'object' && config !== null ? config : {}) as Record<string, unknown>;
      const solver = { ...((c.solver as Record<string, unknown> | undefined) ?? {}), ...(method ? { method } : {}), ...(backend ? { backend } : {}) };
      config = { ...c, solver };
    }
    const p = progress(io, 'optimize');
    // The solve is synchronous, so the timer line cannot tick during it: once a run has taken
    // more than a second, each step is also written as its own line when it starts.
    const started = Date.now();
    const step = (s: string) => {
      p.update(s);
      if (Date.now() - started > 1000) io.err(`\roptimize: ${s}${' '.repeat(20)}\n`);
    };
    let result: PortfolioRunResult;
    try {
      step('reading tables');
      const read = await readPortfolioTables(dataDir);
      result = runPortfolio({ tables: read.tables, config, readDiagnostics: read.diagnostics, files: read.files, dataSource: dataDir, onProgress: step });
    } finally {
      p.done();
    }
    const target = await writeDirAtomic(io, values.out as string, portfolioOutputFiles(result));
    io.out(formatSummary(result, target));
    if (result.status === 'inaccurate') io.err('keel optimize: the solution did not pass every accuracy check; see summary.json (solver.kkt, constraints.violated)\n');
    return result.status === 'failed' ? 1 : 0;
  },
};
