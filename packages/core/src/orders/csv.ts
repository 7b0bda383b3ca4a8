import type { FxOrder, OmsOrder } from './types.js';
import { compareSymbols, sortOrders } from './orders-from-targets.js';

/** RFC 4180 quoting: only when the field holds a comma, quote, CR or LF. */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const OMS_CSV_HEADER = 'symbol,side,shares' as const;
export const FX_CSV_HEADER = 'currency_pair,side,notional' as const;

/** `symbol,side,shares` rows (MODELS.md §2), sorted by symbol, LF line ends, trailing newline. */
export function formatOmsCsv(orders: readonly OmsOrder[]): string {
  const lines: string[] = [OMS_CSV_HEADER];
  for (const o of sortOrders(orders)) lines.push(`${csvField(o.symbol)},${o.side},${o.shares}`);
  return `${lines.join('\n')}\n`;
}

/** `currency_pair,side,notional` rows, sorted by pair. Notionals print in full precision. */
export function formatFxCsv(orders: readonly FxOrder[]): string {
  const lines: string[] = [FX_CSV_HEADER];
  const sorted = [...orders].sort((a, b) => compareSymbols(a.currencyPair, b.currencyPair) || compareSymbols(a.side, b.side));
  for (const o of sorted) lines.push(`${csvField(o.currencyPair)},${o.side},${o.notional}`);
  return `${lines.join('\n')}\n`;
}
