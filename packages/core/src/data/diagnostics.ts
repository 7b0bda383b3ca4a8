import { InputError } from '@keel/solver-native/errors';

/**
 * One finding about the input tables. `error` stops a run before anything is solved;
 * `warning` lets it proceed and is written to the run log; `info` is context.
 */
export const DIAGNOSTIC_SEVERITIES = ['error', 'warning', 'info'] as const;
export type DiagnosticSeverity = (typeof DIAGNOSTIC_SEVERITIES)[number];

export const DIAGNOSTIC_CODES = [
  'missing_table',
  'ambiguous_table',
  'unreadable_table',
  'missing_column',
  'wrong_type',
  'missing_value',
  'not_finite',
  'out_of_range',
  'duplicate_key',
  'unknown_instrument',
  'unknown_factor',
  'unknown_basket',
  'currency_mismatch',
  'missing_fx',
  'stale_fx',
  'non_psd_covariance',
  'asymmetric_covariance',
  'missing_risk',
  'missing_cost',
  'missing_price',
  'missing_liquidity',
  'invalid_symbol',
  'unhedgeable_synthetic',
  'mismatched_basket_weights',
  'non_positive_nav',
  'expired_future',
] as const;
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

export interface Diagnostic {
  readonly severity: DiagnosticSeverity;
  readonly code: DiagnosticCode;
  /** File name as found (`positions.parquet`), or the table's role when there is no file. */
  readonly table: string;
  /** 1-based data row (header excluded); absent for table- or column-level findings. */
  readonly row?: number;
  readonly column?: string;
  readonly instrumentId?: string;
  readonly message: string;
}

/** `positions.parquet:12:price`, `fx.csv::rate`, `instruments.parquet` — the location of a finding. */
export function diagnosticPath(d: Pick<Diagnostic, 'table' | 'row' | 'column'>): string {
  if (d.row === undefined && d.column === undefined) return d.table;
  return `${d.table}:${d.row ?? ''}:${d.column ?? ''}`;
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');

/** Throws an InputError listing every error-level diagnostic (warnings are left for the run log). */
export function throwOnErrors(ds: readonly Diagnostic[]): void {
  const errors = ds.filter((d) => d.severity === 'error');
  if (errors.length === 0) return;
  throw new InputError(errors.map((d) => ({ path: diagnosticPath(d), message: `${d.code}: ${d.message}` })));
}

/** Severity counts, for summaries and run logs. */
export function countDiagnostics(ds: readonly Diagnostic[]): Record<DiagnosticSeverity, number> {
  const c = { error: 0, warning: 0, info: 0 };
  for (const d of ds) c[d.severity]++;
  return c;
}
