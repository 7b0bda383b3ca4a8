import { InputError, type InputIssue } from '@keel/solver-native/errors';
import type { Fill } from './fit.js';
import type { ExecutionResult, SensitivityRow } from './types.js';

// ---------------------------------------------------------------------------------------------
// Reading fills

/**
 * Header names accepted for a fills table (case-insensitive, first match wins):
 *   time          `time`, `minute`, `minutes` — minutes since the open (fractional allowed), or a
 *                 clock time `HH:MM` / `HH:MM:SS` read against `openTime` (default 09:30)
 *   size          `size`, `shares`, `quantity`, `qty` — shares filled, > 0
 *   slippageBps   `slippage_bps`, `slippagebps`, `slippage` — bps against the arrival mid,
 *                 positive = cost
 * Other columns are ignored. Errors name `file:row:column` (row 1 is the header).
 */
export const FILL_COLUMNS = {
  time: ['time', 'minute', 'minutes'],
  size: ['size', 'shares', 'quantity', 'qty'],
  slippageBps: ['slippage_bps', 'slippagebps', 'slippage'],
} as const;

export interface FillsCsvSettings {
  /** Name used in error paths (default `fills.csv`). */
  readonly fileName?: string;
  /** Clock time of the open for `HH:MM[:SS]` times (default `09:30`). */
  readonly openTime?: string;
}

/** Splits CSV text into rows of fields (RFC 4180 quotes, CRLF or LF). */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0]!.trim() === ''));
}

const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?$/;

function clockMinutes(s: string): number | null {
  const m = CLOCK.exec(s.trim());
  if (!m) return null;
  return Number(m[1]) * 60 + Number(m[2]) + (m[3] ? Number(m[3]) / 60 : 0);
}

export function parseFillsCsv(text: string, settings: FillsCsvSettings = {}): Fill[] {
  const file = settings.fileName ?? 'fills.csv';
  const open = clockMinutes(settings.openTime ?? '09:30');
  if (open === null) throw new InputError({ path: 'openTime', message: 'must be HH:MM' });
  const rows = parseCsvRows(text.replace(/^\uFEFF/, ''));
  const header = rows[0];
  if (!header) throw new InputError({ path: file, message: 'is empty (expected a header: time,size,slippage_bps)' });
  const names = header.map((h) => h.trim().toLowerCase());
  const col = {} as Record<keyof typeof FILL_COLUMNS, number>;
  const issues: InputIssue[] = [];
  for (const [key, aliases] of Object.entries(FILL_COLUMNS) as [keyof typeof FILL_COLUMNS, readonly string[]][]) {
    const i = names.findIndex((n) => aliases.includes(n));
    if (i < 0) issues.push({ path: `${file}:1`, message: `missing column ${key} (one of: ${aliases.join(', ')})` });
    col[key] = i;
  }
  if (issues.length) throw new InputError(issues);
  const fills: Fill[] = [];
  for (let r = 1; r < rows.length && issues.length < 50; r++) {
    const row = rows[r]!;
    const at = (key: keyof typeof FILL_COLUMNS) => `${file}:${r + 1}:${header[col[key]]!.trim()}`;
    const cell = (key: keyof typeof FILL_COLUMNS) => (row[col[key]] ?? '').trim();
    const timeText = cell('time');
    const clock = timeText.includes(':') ? clockMinutes(timeText) : null;
    const time = clock !== null ? clock - open : timeText === '' ? NaN : Number(timeText);
    const size = cell('size') === '' ? NaN : Number(cell('size'));
    const slip = cell('slippageBps') === '' ? NaN : Number(cell('slippageBps'));
    if (!Number.isFinite(time)) issues.push({ path: at('time'), message: `must be minutes since the open or HH:MM[:SS] (got "${timeText}")` });
    if (!(Number.isFinite(size) && size > 0)) issues.push({ path: at('size'), message: `must be a number of shares > 0 (got "${cell('size')}")` });
    if (!Number.isFinite(slip)) issues.push({ path: at('slippageBps'), message: `must be a number in bps (got "${cell('slippageBps')}")` });
    fills.push({ time, size, slippageBps: slip });
  }
  if (issues.length) throw new InputError(issues);
  if (fills.length === 0) throw new InputError({ path: file, message: 'has a header but no fills' });
  return fills;
}

export function formatFillsCsv(fills: readonly Fill[]): string {
  return `time,size,slippage_bps\n${fills.map((f) => `${f.time},${f.size},${f.slippageBps}`).join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Writing results

const num = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '' : String(v));

/**
 * One row per bin: `bin,volume,cap,continuous,schedule,twap,vwap` (empty cells where a column
 * does not apply: no volume, no cap).
 */
export function formatScheduleCsv(result: ExecutionResult, volume?: readonly number[]): string {
  const lines = ['bin,volume,cap,continuous,schedule,twap,vwap'];
  const twap = result.baselines.twap.schedule;
  const vwap = result.baselines.vwap?.schedule;
  for (let t = 0; t < result.intervals; t++) {
    lines.push(
      [t, num(volume?.[t]), num(result.info.caps?.[t]), num(result.continuous[t]), result.schedule[t], twap[t], vwap ? vwap[t] : ''].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `strategy,cost,continuous_cost,improvement_pct,within_caps` for optimal, TWAP and VWAP. */
export function formatComparisonCsv(result: ExecutionResult): string {
  const lines = ['strategy,cost,continuous_cost,improvement_pct,within_caps'];
  lines.push(`optimal,${num(result.cost)},${num(result.continuousCost)},,true`);
  const { twap, vwap } = result.baselines;
  lines.push(`twap,${num(twap.cost)},${num(twap.continuousCost)},${num(result.improvementPct.vsTwap)},${twap.withinCaps}`);
  if (vwap) lines.push(`vwap,${num(vwap.cost)},${num(vwap.continuousCost)},${num(result.improvementPct.vsVwap)},${vwap.withinCaps}`);
  return `${lines.join('\n')}\n`;
}

export function formatSensitivityCsv(rows: readonly SensitivityRow[]): string {
  const lines = ['total_shares,status,cost,twap_cost,vwap_cost,improvement_vs_twap_pct,improvement_vs_vwap_pct,capped_bins,shortfall'];
  for (const r of rows) {
    lines.push(
      [r.totalShares, r.status, num(r.cost), num(r.twapCost), num(r.vwapCost), num(r.improvementVsTwapPct), num(r.improvementVsVwapPct), r.cappedBins, r.shortfall].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
