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

export interface PortfolioView {
  status: string | undefined;
  summary: Record<string, unknown>;
  optimal: Record<string, unknown>[];
  trades: Record<string, unknown>[];
  constraints: ConstraintDiagnostic[];
  attribution: [string, number][];
  objective: number | undefined;
  /** Post-trade book metrics (and pre-trade ones where given). */
  metrics: { key: string; after: number; before: number | undefined }[];
  orders: Record<string, unknown>[];
  fxOrders: Record<string, unknown>[];
  issues: ConstraintIssue[];
  notes: string[];
}

const obj = (x: unknown): Record<string, unknown> | undefined => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined);
const arr = (x: unknown): Record<string, unknown>[] => (Array.isArray(x) ? (x.filter((r) => obj(r)) as Record<string, unknown>[]) : []);
const pick = (o: Record<string, unknown> | undefined, ...keys: string[]): unknown => {
  for (const k of keys) if (o && o[k] !== undefined) return o[k];
  return undefined;
};
const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
/** JSON has no ±∞: the engine may write null or ±1e308 for an absent bound. */
const bound = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) && Math.abs(x) < 1e300 ? x : null);

export function readPortfolioResult(raw: unknown): PortfolioView {
  const r = obj(raw) ?? {};
  const summary = obj(r.summary) ?? {};
  const att = obj(pick(summary, 'attribution', 'objectiveSplit')) ?? obj(pick(r, 'attribution', 'objectiveAttribution')) ?? {};
  const attribution = Object.entries(att).flatMap(([k, v]) => (typeof v === 'number' && k !== 'objective' ? [[k, v] as [string, number]] : []));
  const metricsAfter = obj(pick(summary, 'metrics', 'postTrade')) ?? obj(pick(r, 'metrics', 'postTrade')) ?? {};
  const metricsBefore = obj(pick(summary, 'before', 'preTrade')) ?? obj(pick(r, 'before', 'preTrade')) ?? {};
  const metrics = Object.entries(metricsAfter).flatMap(([key, v]) => (typeof v === 'number' ? [{ key, after: v, before: num(metricsBefore[key]) }] : []));
  const diag = pick(r, 'constraintDiagnostics', 'diagnostics', 'constraints');
  const constraints = arr(Array.isArray(diag) ? diag : pick(obj(diag), 'constraints')).flatMap((c) => {
    const value = num(c.value);
    if (typeof c.id !== 'string' || value === undefined) return [];
    const lower = bound(c.lower);
    const upper = bound(c.upper);
    const slack = num(c.slack) ?? Math.min(lower === null ? Infinity : value - lower, upper === null ? Infinity : upper - value);
    return [{ ...c, id: c.id, value, lower, upper, slack, dual: num(c.dual) ?? null, binding: c.binding === true } as ConstraintDiagnostic];
  });
  const issues = arr(pick(r, 'constraintIssues', 'presolve', 'preSolve')) as unknown as ConstraintIssue[];
  const notes = (Array.isArray(r.notes) ? r.notes : Array.isArray(summary.notes) ? summary.notes : []).filter((n): n is string => typeof n === 'string');
  const status = pick(r, 'status') ?? pick(summary, 'status');
  return {
    status: typeof status === 'string' ? status : undefined,
    summary,
    optimal: arr(pick(r, 'optimal', 'holdings', 'positions')),
    trades: arr(pick(r, 'trades')),
    constraints,
    attribution,
    objective: num(att.objective) ?? num(pick(summary, 'objective')) ?? num(r.objective),
    metrics,
    orders: arr(pick(r, 'orders', 'omsOrders')),
    fxOrders: arr(pick(r, 'fxOrders', 'fx')),
    issues,
    notes,
  };
}

/** Violated beyond numerical noise: the evaluator's `holds` when given, else a relative tolerance on the slack. */
export function isViolated(c: ConstraintDiagnostic): boolean {
  if (typeof c.holds === 'boolean') return !c.holds;
  const scale = Math.max(1, Math.abs(c.lower ?? 0), Math.abs(c.upper ?? 0), Math.abs(c.value));
  return c.slack < -1e-6 * scale;
}

/** Signs for a maximised objective: income adds, risk, costs and penalties subtract. */
export function attributionSign(key: string): 1 | -1 {
  return /^(alpha|dividends?|income|carry)$/i.test(key) ? 1 : -1;
}
