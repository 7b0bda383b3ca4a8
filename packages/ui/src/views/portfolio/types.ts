/**
 * The portfolio workflow's data (MODELS.md §2; config per packages/core/src/portfolio/config.ts).
 * The run result is read tolerantly (`readPortfolioResult`): the engine may add fields, and the
 * view shows what is there.
 */
export const TABLE_NAMES = [
  'instruments',
  'risk_model',
  'factor_covariance',
  'specific_risk',
  'liquidity',
  'cost_model',
  'restrictions',
  'margin_model',
  'positions',
  'cash',
  'fx',
  'baskets',
  'alpha',
] as const;
export type TableName = (typeof TABLE_NAMES)[number];

export type PortfolioConfigLike = Record<string, unknown> & {
  numeraire?: unknown;
  horizonDays?: unknown;
  constraints?: {
    instrument?: { defaults?: Record<string, unknown>; overrides?: Record<string, unknown>[] };
    groups?: Record<string, unknown>[];
    portfolio?: Record<string, unknown>;
  };
};

export interface InlineTable {
  readonly name: string;
  readonly table: TableName | '';
  readonly format: 'csv' | 'parquet';
  readonly size: number;
  readonly text?: string;
  readonly base64?: string;
}

export type DataSpec = { source: 'sample' } | { source: 'inline'; tables: Record<string, { format: 'csv'; text: string } | { format: 'parquet'; base64: string }> };

/**
 * Which part of the request a server issue is about. `data…` and table locations
 * (`positions.parquet:12:price`, `fx`) are data; `config.x` and bare config paths
 * (`constraints.portfolio.net.lower`: the engine validates the config on its own) are config.
 */
export function issueTarget(path: string): { part: 'data' | 'config'; path: string } {
  if (path === 'data' || path.startsWith('data.') || path.startsWith('data[')) return { part: 'data', path };
  const head = path.split(/[.:[]/, 1)[0] ?? '';
  if (/\.(parquet|csv)(:|$)/i.test(path) || (TABLE_NAMES as readonly string[]).includes(head)) return { part: 'data', path };
  if (path === 'config') return { part: 'config', path: '' };
  if (path.startsWith('config.')) return { part: 'config', path: path.slice(7) };
  return { part: 'config', path };
}

/** `instruments.csv` → instruments; `Risk-Model.parquet` → risk_model (when it names a table). */
export function guessTable(fileName: string): TableName | '' {
  const stem = fileName.replace(/\.(csv|parquet|pq)$/i, '').toLowerCase().replace(/[-\s]+/g, '_');
  return (TABLE_NAMES as readonly string[]).includes(stem) ? (stem as TableName) : '';
}

export function dataSpec(source: 'sample' | 'upload', uploads: readonly InlineTable[]): DataSpec {
  if (source === 'sample') return { source: 'sample' };
  const tables: Extract<DataSpec, { source: 'inline' }>['tables'] = {};
  for (const u of uploads) {
    // A file with no table chosen is sent under its own stem, so the server names it.
    const key = u.table || u.name.replace(/\.[^.]+$/, '');
    tables[key] = u.format === 'parquet' ? { format: 'parquet', base64: u.base64 ?? '' } : { format: 'csv', text: u.text ?? '' };
  }
  return { source: 'inline', tables };
}

export interface Diagnostic {
  severity: 'error' | 'warning' | 'info';
  code: string;
  table?: string;
  row?: number;
  column?: string;
  instrument?: string;
  instrumentId?: string;
  message: string;
}

export interface ConstraintIssue {
  severity: 'error' | 'warning';
  constraints: string[];
  paths: string[];
  message: string;
}

export interface UniverseAnswer {
  universe: Record<string, unknown>[];
  diagnostics: Diagnostic[];
  summary?: Record<string, unknown>;
  /** Pre-solve constraint checks, when the server ran them (a config was sent). */
  constraintIssues?: ConstraintIssue[];
}

export interface ConstraintDiagnostic {
  id: string;
  level?: string;
  kind?: string;
  unit?: string;
  source?: string;
  value: number;
  lower: number | null;
  upper: number | null;
  slack: number;
  dual: number | null;
  binding: boolean;
  soft?: boolean;
  [k: string]: unknown;
}

export interface AttributionRow {
  component: string;
  current: number | undefined;
  optimal: number | undefined;
  rounded: number | undefined;
}
export interface MetricRow {
  key: string;
  current: number | undefined;
  optimal: number | undefined;
  rounded: number | undefined;
}

export interface PortfolioView {
  status: string | undefined;
  summary: Record<string, unknown>;
  nav: number | undefined;
  optimal: Record<string, unknown>[];
  trades: Record<string, unknown>[];
  conversions: Record<string, unknown>[];
  constraints: ConstraintDiagnostic[];
  /** Objective terms of the current, optimal (unrounded) and rounded books; `objective` is the total. */
  attribution: AttributionRow[];
  objective: { current: number | undefined; optimal: number | undefined; rounded: number | undefined };
  metrics: MetricRow[];
  orders: Record<string, unknown>[];
  fxOrders: Record<string, unknown>[];
  /** Pre-solve contradictions (from the run log). */
  issues: ConstraintIssue[];
  /** When infeasible: the constraints the elastic solve had to relax, with weights. */
  infeasibility: { constraint: string; weight: number }[];
  roundingViolations: { id: string; value: number; lower: number | null; upper: number | null; violation: number }[];
  dataDiagnostics: Diagnostic[];
  solver: { method: string | undefined; timeMs: number | undefined; iterations: number | undefined; kktOk: boolean | undefined };
}

const obj = (x: unknown): Record<string, unknown> | undefined => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined);
const arr = (x: unknown): Record<string, unknown>[] => (Array.isArray(x) ? (x.filter((r) => obj(r)) as Record<string, unknown>[]) : []);
const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
/** JSON has no ±∞: the engine writes null (or a huge number) for an absent bound. */
const bound = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) && Math.abs(x) < 1e300 ? x : null);

/**
 * The run result (core's PortfolioRunResult as the API returns it: ±∞ as null) in the shape the
 * view shows. Missing parts come back empty, never as an exception.
 */
export function readPortfolioResult(raw: unknown): PortfolioView {
  const r = obj(raw) ?? {};
  const summary = obj(r.summary) ?? {};
  const log = obj(r.runLog) ?? {};
  const objective = obj(summary.objective) ?? {};
  const books = ['current', 'optimal', 'rounded'] as const;
  const att = Object.fromEntries(books.map((b) => [b, obj(objective[b]) ?? {}])) as Record<(typeof books)[number], Record<string, unknown>>;
  const components = [...new Set(books.flatMap((b) => Object.keys(att[b])))].filter((k) => k !== 'objective' && books.some((b) => num(att[b][k]) !== undefined));
  const attribution = components.map((component) => ({ component, current: num(att.current[component]), optimal: num(att.optimal[component]), rounded: num(att.rounded[component]) }));
  const metricsIn = obj(summary.metrics) ?? {};
  const m = Object.fromEntries(books.map((b) => [b, obj(metricsIn[b]) ?? {}])) as Record<(typeof books)[number], Record<string, unknown>>;
  const metricKeys = [...new Set(books.flatMap((b) => Object.keys(m[b])))];
  const metrics: MetricRow[] = metricKeys.flatMap((key) => {
    const cash = books.map((b) => obj(m[b][key]));
    if (cash.some(Boolean)) {
      // Cash per currency: one row each.
      const ccys = [...new Set(cash.flatMap((c) => Object.keys(c ?? {})))];
      return ccys.map((c) => ({ key: `${key} ${c}`, current: num(cash[0]?.[c]), optimal: num(cash[1]?.[c]), rounded: num(cash[2]?.[c]) }));
    }
    const row = { key, current: num(m.current[key]), optimal: num(m.optimal[key]), rounded: num(m.rounded[key]) };
    return row.current === undefined && row.optimal === undefined && row.rounded === undefined ? [] : [row];
  });
  const constraints = arr(r.diagnostics).flatMap((c) => {
    const value = num(c.value);
    if (typeof c.id !== 'string' || value === undefined) return [];
    const lower = bound(c.lower);
    const upper = bound(c.upper);
    const slack = num(c.slack) ?? Math.min(lower === null ? Infinity : value - lower, upper === null ? Infinity : upper - value);
    return [{ ...c, id: c.id, value, lower, upper, slack, dual: num(c.dual) ?? null, binding: c.binding === true } as ConstraintDiagnostic];
  });
  const trades = arr(r.trades).map((t) => (typeof t.tradeShares === 'number' && t.side === undefined ? { symbol: t.symbol, side: t.tradeShares >= 0 ? 'buy' : 'sell', ...t } : t));
  const solver = obj(summary.solver) ?? {};
  const iterations = num(obj(solver.admm)?.iterations) ?? num(obj(solver.interiorPoint)?.iterations);
  const sd = obj(log.solverDiagnostics) ?? {};
  const cons = obj(summary.constraints) ?? {};
  const status = r.status ?? summary.status;
  return {
    status: typeof status === 'string' ? status : undefined,
    summary,
    nav: num(summary.nav),
    optimal: arr(r.optimal),
    trades,
    conversions: arr(r.conversions),
    constraints,
    attribution,
    objective: { current: num(att.current.objective), optimal: num(att.optimal.objective), rounded: num(att.rounded.objective) },
    metrics,
    orders: arr(r.orders),
    fxOrders: arr(r.fxOrders),
    issues: arr(obj(log.constraintSets)?.presolveIssues) as unknown as ConstraintIssue[],
    infeasibility: arr(sd.infeasibility).flatMap((x) => (typeof x.constraint === 'string' ? [{ constraint: x.constraint, weight: num(x.weight) ?? Number.NaN }] : [])),
    roundingViolations: arr(cons.violatedByRounding).flatMap((v) =>
      typeof v.id === 'string' ? [{ id: v.id, value: num(v.value) ?? Number.NaN, lower: bound(v.lower), upper: bound(v.upper), violation: num(v.violation) ?? Number.NaN }] : [],
    ),
    dataDiagnostics: arr(obj(log.dataQc)?.diagnostics) as unknown as Diagnostic[],
    solver: { method: typeof solver.method === 'string' ? solver.method : undefined, timeMs: num(solver.timeMs), iterations, kktOk: typeof solver.kktOk === 'boolean' ? solver.kktOk : undefined },
  };
}

/** Violated beyond numerical noise (a relative tolerance on the slack). */
export function isViolated(c: ConstraintDiagnostic): boolean {
  const scale = Math.max(1, Math.abs(c.lower ?? 0), Math.abs(c.upper ?? 0), Math.abs(c.value));
  return c.slack < -1e-6 * scale;
}

/** Signs for a maximised objective: income adds, risk, costs and penalties subtract. */
export function attributionSign(key: string): 1 | -1 {
  return /^(alpha|dividends?|income|carry)$/i.test(key) ? 1 : -1;
}
