/**
 * One portfolio construction run, tables and config to orders (seed 03 §11–14): validate the
 * data (errors stop here), expand and check the constraints (contradictions stop here), build
 * the QP once, solve, evaluate the unrounded book independently, round, evaluate the rounded
 * book, and assemble the outputs and the structured run log (§13).
 */
import { createHash, randomUUID } from 'node:crypto';
import { InputError } from '@keel/solver-native/errors';
import { countDiagnostics, throwOnErrors, type Diagnostic } from '../data/diagnostics.js';
import type { TableFileInfo } from '../data/read-tables.js';
import type { PortfolioTables } from '../data/tables.js';
import { buildUniverse, repriceUniverse, type Universe } from '../data/universe.js';
import { validateTables } from '../data/validate-tables.js';
import type { FxOrder, OmsOrder } from '../orders/index.js';
import { KEEL_VERSION } from '../version.js';
import { buildPortfolioQp, repricePortfolioQp, type PortfolioQp } from './build-qp.js';
import { parsePortfolioConfig, type PortfolioConfig } from './config.js';
import { checkConfigReferences, normalizeConstraints, repriceConstraints, type ConstraintIssue, type ConstraintSpec } from './constraints.js';
import { diagnoseConstraints } from './diagnose.js';
import { instrumentBounds } from './instrument-bounds.js';
import { evaluatePortfolio, type BookMetrics, type Evaluation, type EvaluateInput, type ObjectiveAttribution, type PortfolioBook } from './evaluate.js';
import { bookFromSolution, constraintDuals } from './extract.js';
import { brokenByRounding, resolveRounding, type RoundingResolve } from './fix-conversions.js';

export type { RoundingResolve } from './fix-conversions.js';
import { roundBook, type RoundedBook } from './round.js';
import { PortfolioSolver, type PortfolioSolution, type PortfolioSolveInfo } from './solve-portfolio.js';
import { listConversions, listHedgePackages, type Conversion, type HedgePackage } from './synthetics.js';

export const PORTFOLIO_STATUSES = ['optimal', 'inaccurate', 'infeasible', 'unbounded', 'failed'] as const;
export type PortfolioStatus = (typeof PORTFOLIO_STATUSES)[number];

export interface OptimalRow {
  readonly instrumentId: string;
  readonly symbol: string;
  readonly type: string;
  readonly currency: string;
  readonly price: number;
  /** Numeraire value of one share / contract. */
  readonly unitValue: number;
  readonly currentShares: number;
  readonly optimalShares: number;
  readonly roundedShares: number;
  readonly currentNotional: number;
  readonly optimalNotional: number;
  readonly roundedNotional: number;
  /** Fractions of NAV (net) and of gross (gross), unrounded book. */
  readonly weightNet: number;
  readonly weightGross: number;
  readonly tradable: boolean;
}

export interface TradeRow {
  readonly instrumentId: string;
  readonly symbol: string;
  /** Rounded change of position (market + conversion legs), shares / contracts. */
  readonly tradeShares: number;
  readonly marketShares: number;
  readonly conversionShares: number;
  readonly tradeNotional: number;
  readonly marketNotional: number;
  /** |market trade| / ADV. */
  readonly pctAdv: number;
}

export interface ConversionRow {
  readonly kind: Conversion['kind'];
  readonly leaderId: string;
  readonly leaderSymbol: string;
  /** Leader-side shares / contracts (rounded) and numeraire notional. */
  readonly leaderShares: number;
  readonly notional: number;
  readonly members: number;
}

export interface ConstraintDiagnostic {
  readonly id: string;
  readonly level: ConstraintSpec['level'];
  readonly kind: ConstraintSpec['kind'];
  readonly unit: ConstraintSpec['unit'];
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
  readonly slack: number;
  /** ∂ objective (numeraire) / ∂ binding bound (constraint unit); see `constraintDuals`. */
  readonly dual: number;
  readonly binding: boolean;
  readonly soft: boolean;
  readonly penalty: number;
  readonly source: string;
  readonly currentValue: number;
  readonly roundedValue: number;
  readonly roundedHolds: boolean;
}

export interface MetricsTriple {
  readonly current: BookMetrics;
  readonly optimal: BookMetrics;
  readonly rounded: BookMetrics;
}

export interface PortfolioSummary {
  readonly status: PortfolioStatus;
  readonly runId: string;
  readonly numeraire: string;
  readonly asOf: string | null;
  readonly nav: number;
  readonly sizes: {
    readonly instruments: number;
    readonly tradable: number;
    readonly held: number;
    readonly factors: number;
    readonly currencies: number;
    readonly conversions: number;
    readonly hedgePackages: number;
    readonly constraints: { readonly instrument: number; readonly group: number; readonly portfolio: number; readonly soft: number };
    readonly qp: { readonly variables: number; readonly rows: number; readonly nnzA: number; readonly nnzP: number };
  };
  readonly solver: PortfolioSolveInfo;
  readonly objective: { readonly optimal: ObjectiveAttribution; readonly rounded: ObjectiveAttribution; readonly current: ObjectiveAttribution; readonly model: number; readonly modelVsEvaluatorRelDiff: number };
  readonly metrics: MetricsTriple;
  readonly trades: { readonly instrumentsTraded: number; readonly orders: number; readonly fxOrders: number; readonly conversions: number };
  readonly constraints: {
    readonly binding: number;
    /** Hard constraints the unrounded book breaks (beyond tolerance); empty unless status is inaccurate. */
    readonly violated: readonly string[];
    /** Hard constraints rounding broke (the rounded book breaks, the unrounded one does not). */
    readonly violatedByRounding: readonly { readonly id: string; readonly value: number; readonly lower: number; readonly upper: number; readonly violation: number }[];
    /** Hard constraints the current book already breaks. */
    readonly violatedNow: number;
  };
  readonly diagnostics: Record<'error' | 'warning' | 'info', number>;
  /** Present when rounding broke a constraint with conversions in the book: the fix-and-resolve attempt. */
  readonly roundingResolve?: RoundingResolve;
  readonly timingsMs: Readonly<Record<string, number>>;
}

/** The structured run log of seed 03 §13. */
export interface PortfolioRunLog {
  readonly runMetadata: { readonly runId: string; readonly createdAt: string; readonly version: string; readonly dataSource: string; readonly inputHash: string; readonly files: readonly TableFileInfo[] };
  readonly configSnapshot: PortfolioConfig;
  readonly dataQc: { readonly counts: Record<'error' | 'warning' | 'info', number>; readonly diagnostics: readonly Diagnostic[] };
  readonly constraintSets: {
    readonly counts: Readonly<Record<string, number>>;
    readonly presolveIssues: readonly ConstraintIssue[];
    /** Group and portfolio constraints in full; instrument constraints by kind with their config source. */
    readonly groupAndPortfolio: readonly Pick<ConstraintSpec, 'id' | 'level' | 'kind' | 'lower' | 'upper' | 'soft' | 'penalty' | 'unit' | 'source'>[];
    readonly instrumentSources: Readonly<Record<string, readonly string[]>>;
  };
  readonly settings: Pick<PortfolioConfig, 'numeraire' | 'horizonDays' | 'alpha' | 'risk' | 'costs' | 'synthetics' | 'rounding' | 'solver'>;
  readonly solverDiagnostics: {
    readonly status: PortfolioStatus;
    readonly solve: PortfolioSolveInfo;
    /** Binding and violated constraints with slack and dual (all group/portfolio rows are in diagnostics.csv). */
    readonly binding: readonly Pick<ConstraintDiagnostic, 'id' | 'value' | 'lower' | 'upper' | 'slack' | 'dual'>[];
    readonly infeasibility?: readonly { readonly constraint: string; readonly weight: number }[];
  };
  readonly resultsSummary: PortfolioSummary;
}

export interface PortfolioRunResult {
  readonly status: PortfolioStatus;
  readonly summary: PortfolioSummary;
  readonly optimal: readonly OptimalRow[];
  readonly trades: readonly TradeRow[];
  readonly conversions: readonly ConversionRow[];
  readonly orders: readonly OmsOrder[];
  readonly fxOrders: readonly FxOrder[];
  readonly diagnostics: readonly ConstraintDiagnostic[];
  readonly runLog: PortfolioRunLog;
}

export interface PortfolioRunInput {
  readonly tables: PortfolioTables;
  /** The run config as JSON (validated here; defaults filled). */
  readonly config?: unknown;
  /** Findings of the reader (schema checks): merged into data QC. */
  readonly readDiagnostics?: readonly Diagnostic[];
  readonly files?: readonly TableFileInfo[];
  readonly dataSource?: string;
  readonly onProgress?: (step: string) => void;
}

/** Everything before the solve: universe, constraints, synthetics, QP. Throws InputError on errors. */
export interface PreparedPortfolio {
  readonly config: PortfolioConfig;
  readonly universe: Universe;
  readonly constraints: readonly ConstraintSpec[];
  readonly conversions: readonly Conversion[];
  readonly packages: readonly HedgePackage[];
  readonly issues: readonly ConstraintIssue[];
  readonly qp: PortfolioQp;
  readonly diagnostics: readonly Diagnostic[];
  readonly timingsMs: Record<string, number>;
}

/**
 * Tables from `readPortfolioTables` come with their reader's findings (`readDiagnostics`);
 * tables built in memory are put through the same schema checks here.
 */
export function preparePortfolio(tablesIn: PortfolioTables, rawConfig: unknown, readDiagnostics?: readonly Diagnostic[]): PreparedPortfolio {
  const timingsMs: Record<string, number> = {};
  let t = performance.now();
  const config = parsePortfolioConfig(rawConfig);
  let tables = tablesIn;
  if (!readDiagnostics) {
    const v = validateTables(tablesIn);
    tables = v.tables;
    readDiagnostics = v.diagnostics;
  }
  throwOnErrors(readDiagnostics);
  const universe = buildUniverse(tables, { numeraire: config.numeraire, ...(config.asOf ? { asOf: config.asOf } : {}), ...config.universe, fxFactors: config.risk.fxFactors });
  const diagnostics = [...readDiagnostics, ...universe.diagnostics];
  throwOnErrors(diagnostics);
  timingsMs.universe = performance.now() - t;
  t = performance.now();
  const refIssues = checkConfigReferences(config, universe);
  if (refIssues.length) throw new InputError(refIssues);
  const constraints = normalizeConstraints(config, universe);
  const conversions = listConversions(universe, config);
  const packages = listHedgePackages(universe, config);
  const bounds = instrumentBounds(universe, constraints);
  const issues = diagnoseConstraints(universe, constraints, conversions, packages.length > 0, bounds);
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length) {
    throw new InputError(errors.slice(0, 50).map((i) => ({ path: i.paths.join(' vs '), message: `${i.message} [${i.constraints.join(' vs ')}]` })));
  }
  timingsMs.constraints = performance.now() - t;
  t = performance.now();
  const qp = buildPortfolioQp({ universe, config, constraints, conversions, packages, bounds });
  timingsMs.build = performance.now() - t;
  return { config, universe, constraints, conversions, packages, issues, qp, diagnostics, timingsMs };
}

/**
 * The same problem after a price update (local prices by instrument id), value by value: the
 * universe repriced, the constraints' NAV-relative scales and no-new-shorts/longs bounds moved
 * (`repriceConstraints`, no re-expansion of the config), instrument bounds and the pre-solve
 * contradiction checks re-run on the new values (a price move can make a constraint set
 * infeasible: that throws, as in `preparePortfolio`), and the QP's price-dependent values
 * rewritten on the old pattern (`repricePortfolioQp`: A and q are shared with `prep.qp`). The
 * result equals `preparePortfolio` on tables carrying the new prices; a `PortfolioSolver` can
 * `update` in place. Throws an InputError naming `prices.<id>` for a price that is not a
 * finite number > 0, and when the new NAV is not positive.
 */
export function repricePortfolio(prep: PreparedPortfolio, prices: ReadonlyMap<string, number>): PreparedPortfolio {
  const timingsMs: Record<string, number> = {};
  let t = performance.now();
  const universe = repriceUniverse(prep.universe, prices);
  if (!(universe.nav > 0)) {
    throw new InputError({ path: 'prices', message: `NAV (positions excluding futures + cash) is ${universe.nav.toFixed(2)} ${universe.numeraire} at the new prices; it must be positive` });
  }
  timingsMs.universe = performance.now() - t;
  t = performance.now();
  const constraints = repriceConstraints(prep.constraints, universe);
  const bounds = instrumentBounds(universe, constraints);
  const issues = diagnoseConstraints(universe, constraints, prep.conversions, prep.packages.length > 0, bounds);
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length) {
    throw new InputError(errors.slice(0, 50).map((i) => ({ path: i.paths.join(' vs '), message: `${i.message} [${i.constraints.join(' vs ')}]` })));
  }
  timingsMs.constraints = performance.now() - t;
  t = performance.now();
  const qp = repricePortfolioQp(prep.qp, { universe, config: prep.config, constraints, conversions: prep.conversions, packages: prep.packages, bounds });
  timingsMs.build = performance.now() - t;
  return { ...prep, universe, constraints, issues, qp, timingsMs };
}

function infeasibilityHint(prep: PreparedPortfolio, cert: Float64Array | undefined): { constraint: string; weight: number }[] | undefined {
  if (!cert) return undefined;
  const { qp } = prep;
  const name = new Map<number, string>();
  for (const [id, r] of qp.constraintRows) for (const row of r.rows) name.set(row, id);
  const n = qp.layout.n;
  const out: { constraint: string; weight: number }[] = [];
  let max = 0;
  for (const v of cert) max = Math.max(max, Math.abs(v));
  cert.forEach((w, row) => {
    if (!(Math.abs(w) > 1e-6 * max)) return;
    let id = name.get(row);
    if (!id && row >= qp.identityRow) {
      const v = row - qp.identityRow;
      id = (w > 0 ? qp.upperOwner[v] : qp.lowerOwner[v])?.constraint.id ?? `variable bound ${v}`;
    }
    if (!id && row < n) id = `trade balance of ${prep.universe.instruments[row]?.id}`;
    out.push({ constraint: id ?? `model row ${row}`, weight: Math.abs(w) / max });
  });
  return out.sort((a, b) => b.weight - a.weight).slice(0, 25);
}

const inputHash = (tables: PortfolioTables, config: PortfolioConfig): string => {
  const h = createHash('sha256');
  h.update(JSON.stringify(config));
  for (const [name, t] of Object.entries(tables)) {
    h.update(name);
    h.update(String(t?.rows.length ?? 0));
    for (const r of (t?.rows ?? []) as readonly object[]) h.update(JSON.stringify(r));
  }
  return h.digest('hex').slice(0, 16);
};

export function runPortfolio(input: PortfolioRunInput): PortfolioRunResult {
  const progress = input.onProgress ?? (() => undefined);
  const runId = randomUUID();
  const createdAt = new Date().toISOString();
  progress('validating data and constraints');
  const prep = preparePortfolio(input.tables, input.config, input.readDiagnostics);
  const { config, universe, constraints, conversions, packages, qp } = prep;
  const timingsMs = { ...prep.timingsMs };

  progress(`solving (${qp.problem.n} variables, ${qp.problem.m} rows)`);
  let t = performance.now();
  const solver = new PortfolioSolver(qp, config);
  let sol: PortfolioSolution;
  let rounded: RoundedBook;
  let evRound: Evaluation;
  let roundingResolve: RoundingResolve | undefined;
  const evalInput: EvaluateInput = { universe, config, constraints, conversions, packages };
  const current: PortfolioBook = { shares: Float64Array.from(universe.instruments.map((u) => u.shares0)), conversions: [], fxTrades: new Map() };
  let evCurrent: Evaluation;
  let book: PortfolioBook;
  let evOpt: Evaluation;
  try {
    sol = solver.solve();
    timingsMs.solve = performance.now() - t;

    progress('evaluating and rounding');
    t = performance.now();
    evCurrent = evaluatePortfolio(evalInput, current);
    book = bookFromSolution(qp, universe, sol.x);
    evOpt = evaluatePortfolio(evalInput, book);
    rounded = config.rounding.enabled ? roundBook(universe, qp.bounds, conversions, book) : { book, marketShares: new Float64Array(0), conversionShares: new Float64Array(0), fxLocal: new Map() };
    evRound = evaluatePortfolio(evalInput, rounded.book);
    const converts = rounded.book.conversions.length + book.conversions.length > 0;
    if (config.rounding.enabled && sol.info.kktOk && converts && brokenByRounding(evOpt, evRound).length > 0) {
      progress('re-solving with the conversions rounded');
      const r = resolveRounding(solver, evalInput, qp, evOpt, { rounded, evaluation: evRound });
      ({ rounded, evaluation: evRound } = r);
      roundingResolve = r.info;
    }
  } finally {
    solver.dispose();
  }
  const duals = constraintDuals(qp, constraints, sol.y);
  timingsMs.evaluate = performance.now() - t;

  const modelObjective = -(sol.info.kkt.objective * qp.nav) / qp.kappa;
  const relDiff = Math.abs(modelObjective - evOpt.attribution.objective) / Math.max(1, Math.abs(evOpt.attribution.objective), 1e-6 * qp.nav);
  let status: PortfolioStatus;
  if (sol.info.outcome === 'primal_infeasible') status = 'infeasible';
  else if (sol.info.outcome === 'dual_infeasible') status = 'unbounded';
  else if (sol.info.outcome === 'failed') status = 'failed';
  // Optimal only when the KKT check, the evaluator and the model agree.
  else status = sol.info.kktOk && evOpt.violations.length === 0 && relDiff <= 1e-6 ? 'optimal' : 'inaccurate';
  const solved = status === 'optimal' || status === 'inaccurate';

  // --- tables
  const inst = universe.instruments;
  const marketShares = config.rounding.enabled ? rounded.marketShares : evOpt.trades.map((_, i) => (book.shares[i] as number) - (inst[i] as (typeof inst)[number]).shares0);
  const grossOpt = evOpt.metrics.gross;
  const optimal: OptimalRow[] = inst.map((u) => ({
    instrumentId: u.id,
    symbol: u.ticker,
    type: u.type,
    currency: u.currency,
    price: u.price,
    unitValue: u.unitValue,
    currentShares: u.shares0,
    optimalShares: solved ? (book.shares[u.index] as number) : u.shares0,
    roundedShares: solved ? (rounded.book.shares[u.index] as number) : u.shares0,
    currentNotional: u.notional0,
    optimalNotional: solved ? (evOpt.notional[u.index] as number) : u.notional0,
    roundedNotional: solved ? (evRound.notional[u.index] as number) : u.notional0,
    weightNet: solved ? (evOpt.notional[u.index] as number) / universe.nav : u.weightNet,
    weightGross: solved && grossOpt > 0 ? Math.abs(evOpt.notional[u.index] as number) / grossOpt : u.weightGross,
    tradable: u.tradable,
  }));
  const trades: TradeRow[] = [];
  const orders: OmsOrder[] = [];
  if (solved) {
    for (const u of inst) {
      const total = (rounded.book.shares[u.index] as number) - u.shares0;
      const market = (marketShares[u.index] as number) ?? 0;
      const conv = total - market;
      if (total === 0 && market === 0) continue;
      trades.push({
        instrumentId: u.id,
        symbol: u.ticker,
        tradeShares: total,
        marketShares: market,
        conversionShares: conv,
        tradeNotional: total * u.unitValue,
        marketNotional: market * u.unitValue,
        pctAdv: u.advNotional > 0 ? Math.abs(market * u.unitValue) / u.advNotional : 0,
      });
      if (market !== 0 && config.rounding.enabled) orders.push({ symbol: u.ticker, side: market > 0 ? 'buy' : 'sell', shares: Math.abs(market) });
    }
  }
  const conversionRows: ConversionRow[] = solved
    ? rounded.book.conversions.map((bc) => {
        const cv = conversions[bc.conversion] as Conversion;
        const leader = inst[cv.leader] as (typeof inst)[number];
        return { kind: cv.kind, leaderId: leader.id, leaderSymbol: leader.ticker, leaderShares: bc.legShares[0] as number, notional: (bc.legShares[0] as number) * leader.unitValue, members: cv.members.length };
      })
    : [];
  const fxOrders: FxOrder[] = solved
    ? [...rounded.fxLocal].filter(([, v]) => v !== 0).map(([ccy, v]) => ({ currencyPair: `${ccy}${universe.numeraire}`, side: v > 0 ? 'buy' : 'sell', notional: Math.abs(v) }))
    : [];

  // --- constraint diagnostics
  const bindTolMoney = 1e-6 * universe.nav;
  const byIdOpt = new Map(evOpt.constraints.map((c) => [c.id, c]));
  const byIdRound = new Map(evRound.constraints.map((c) => [c.id, c]));
  const byIdCur = new Map(evCurrent.constraints.map((c) => [c.id, c]));
  const diagnostics: ConstraintDiagnostic[] = constraints.map((c) => {
    const o = byIdOpt.get(c.id) as Evaluation['constraints'][number];
    const r = byIdRound.get(c.id) as Evaluation['constraints'][number];
    const cur = byIdCur.get(c.id) as Evaluation['constraints'][number];
    return {
      id: c.id,
      level: c.level,
      kind: c.kind,
      unit: c.unit,
      value: o.value,
      lower: c.lower,
      upper: c.upper,
      slack: o.slack,
      dual: solved ? (duals.get(c.id) ?? 0) : 0,
      binding: solved && o.slack <= bindTolMoney / c.scale,
      soft: c.soft,
      penalty: c.penalty,
      source: c.source,
      currentValue: cur.value,
      roundedValue: r.value,
      roundedHolds: r.holds,
    };
  });
  const optViolated = new Set(evOpt.violations.map((v) => v.id));
  const violatedByRounding = brokenByRounding(evOpt, evRound).map((v) => ({ id: v.id, value: v.value, lower: v.lower, upper: v.upper, violation: v.violation }));

  const counts = countDiagnostics(prep.diagnostics);
  const levelCount = (lv: string) => constraints.filter((c) => c.level === lv).length;
  const summary: PortfolioSummary = {
    status,
    runId,
    numeraire: universe.numeraire,
    asOf: universe.asOf,
    nav: universe.nav,
    sizes: {
      instruments: inst.length,
      tradable: inst.filter((u) => u.tradable).length,
      held: inst.filter((u) => u.shares0 !== 0).length,
      factors: universe.factors.length,
      currencies: universe.currencies.length,
      conversions: conversions.length,
      hedgePackages: qp.layout.nPkg,
      constraints: { instrument: levelCount('instrument'), group: levelCount('group'), portfolio: levelCount('portfolio'), soft: constraints.filter((c) => c.soft).length },
      qp: { variables: qp.problem.n, rows: qp.problem.m, nnzA: qp.problem.A.values.length, nnzP: qp.problem.P.values.length },
    },
    solver: sol.info,
    objective: { optimal: evOpt.attribution, rounded: evRound.attribution, current: evCurrent.attribution, model: modelObjective, modelVsEvaluatorRelDiff: relDiff },
    metrics: { current: evCurrent.metrics, optimal: evOpt.metrics, rounded: evRound.metrics },
    trades: { instrumentsTraded: trades.length, orders: orders.length, fxOrders: fxOrders.length, conversions: conversionRows.length },
    constraints: { binding: diagnostics.filter((d) => d.binding).length, violated: [...optViolated], violatedByRounding, violatedNow: evCurrent.violations.length },
    ...(roundingResolve ? { roundingResolve } : {}),
    diagnostics: counts,
    timingsMs,
  };
  const runLog: PortfolioRunLog = {
    runMetadata: { runId, createdAt, version: KEEL_VERSION, dataSource: input.dataSource ?? 'in-memory tables', inputHash: inputHash(input.tables, config), files: input.files ?? [] },
    configSnapshot: config,
    dataQc: { counts, diagnostics: prep.diagnostics },
    constraintSets: {
      counts: constraints.reduce<Record<string, number>>((acc, c) => ((acc[`${c.level}.${c.kind}`] = (acc[`${c.level}.${c.kind}`] ?? 0) + 1), acc), {}),
      presolveIssues: prep.issues,
      groupAndPortfolio: constraints.filter((c) => c.level !== 'instrument').map(({ id, level, kind, lower, upper, soft, penalty, unit, source }) => ({ id, level, kind, lower, upper, soft, penalty, unit, source })),
      instrumentSources: constraints
        .filter((c) => c.level === 'instrument')
        .reduce<Record<string, string[]>>((acc, c) => {
          const list = (acc[c.kind] ??= []);
          if (!list.includes(c.source)) list.push(c.source);
          return acc;
        }, {}),
    },
    settings: { numeraire: config.numeraire, horizonDays: config.horizonDays, alpha: config.alpha, risk: config.risk, costs: config.costs, synthetics: config.synthetics, rounding: config.rounding, solver: config.solver },
    solverDiagnostics: {
      status,
      solve: sol.info,
      binding: diagnostics.filter((d) => d.binding || !byIdOpt.get(d.id)?.holds).map(({ id, value, lower, upper, slack, dual }) => ({ id, value, lower, upper, slack, dual })),
      ...(status === 'infeasible' ? { infeasibility: infeasibilityHint(prep, sol.infeasibilityCertificate) ?? [] } : {}),
    },
    resultsSummary: summary,
  };
  return { status, summary, optimal, trades, conversions: conversionRows, orders, fxOrders, diagnostics, runLog };
}
