/**
 * Number formats for a desk: money with thousands separators, bps, percentages, shares.
 * Every formatter returns '—' for a missing or non-finite value, so a table never shows NaN.
 */

const cache = new Map<string, Intl.NumberFormat>();
function nf(min: number, max: number, extra: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${min}:${max}:${JSON.stringify(extra)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: min, maximumFractionDigits: max, ...extra });
    cache.set(key, f);
  }
  return f;
}

export const MISSING = '—';
const ok = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
/** −0 prints as 0: a rounded tiny negative is not a short position. */
const clean = (s: string): string => (/^-0(\.0+)?$/.test(s) ? s.slice(1) : s);

/** 12,345,678 (whole units; digits for small amounts). */
export function fmtMoney(x: unknown, digits = 0): string {
  return ok(x) ? clean(nf(digits, digits).format(x)) : MISSING;
}

/** A general number with a fixed number of decimals and separators. */
export function fmtNum(x: unknown, digits = 2): string {
  return ok(x) ? clean(nf(digits, digits).format(x)) : MISSING;
}

export function fmtInt(x: unknown): string {
  return ok(x) ? clean(nf(0, 0).format(Math.round(x))) : MISSING;
}

/** A fraction (0.0123) as a percentage: 1.23%. */
export function fmtPct(x: unknown, digits = 2): string {
  return ok(x) ? `${clean(nf(digits, digits).format(x * 100))}%` : MISSING;
}

/** A value already in percent (improvementPct: 12.3) → 12.30%. */
export function fmtPctPoints(x: unknown, digits = 2): string {
  return ok(x) ? `${clean(nf(digits, digits).format(x))}%` : MISSING;
}

/** A fraction as basis points: 0.0005 → 5.0 bp. */
export function fmtBps(x: unknown, digits = 1): string {
  return ok(x) ? `${clean(nf(digits, digits).format(x * 10_000))} bp` : MISSING;
}

/** Short form for charts and KPIs: 1.2M, 350k, 4.1bn. */
export function fmtCompact(x: unknown, digits = 1): string {
  if (!ok(x)) return MISSING;
  const a = Math.abs(x);
  const [div, suffix] = a >= 1e9 ? [1e9, 'bn'] : a >= 1e6 ? [1e6, 'M'] : a >= 1e3 ? [1e3, 'k'] : [1, ''];
  return `${clean(nf(0, div === 1 ? 2 : digits).format(x / div))}${suffix}`;
}

/** Significant digits for values of unknown scale (duals, ratios). */
export function fmtSig(x: unknown, digits = 4): string {
  if (!ok(x)) return MISSING;
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-4) return x.toExponential(digits - 1);
  return clean(nf(0, Math.max(0, digits - 1 - Math.floor(Math.log10(a)))).format(x));
}

export function fmtMs(x: unknown): string {
  if (!ok(x)) return MISSING;
  return x >= 1000 ? `${fmtNum(x / 1000, 2)} s` : `${fmtNum(x, x < 10 ? 1 : 0)} ms`;
}

/** 2026-01-02 14:03:05 in local time (ISO input). */
export function fmtTime(iso: unknown): string {
  if (typeof iso !== 'string') return MISSING;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return MISSING;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The value formats grid columns use. */
export const VALUE_KINDS = ['text', 'int', 'number', 'money', 'pct', 'bps', 'sig', 'bool'] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

export function formatValue(x: unknown, kind: ValueKind, digits?: number): string {
  switch (kind) {
    case 'text':
      return x === null || x === undefined ? '' : String(x);
    case 'int':
      return fmtInt(x);
    case 'number':
      return fmtNum(x, digits ?? 2);
    case 'money':
      return fmtMoney(x, digits ?? 0);
    case 'pct':
      return fmtPct(x, digits ?? 2);
    case 'bps':
      return fmtBps(x, digits ?? 1);
    case 'sig':
      return fmtSig(x, digits ?? 4);
    case 'bool':
      return x === true ? 'yes' : x === false ? 'no' : '';
  }
}

export const isNumericKind = (k: ValueKind): boolean => k !== 'text' && k !== 'bool';
