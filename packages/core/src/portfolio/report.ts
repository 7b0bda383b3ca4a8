/**
 * The run's files (MODELS.md §5): optimal.csv, trades.csv, orders.csv (exactly
 * `symbol,side,shares`), diagnostics.csv, summary.json, run-log.json, plus fx-orders.csv
 * (`currency_pair,side,notional`) and conversions.csv. Pure: content in, text out; the CLI
 * writes them. JSON writes ±Infinity (an absent bound) as null.
 */
import { fileURLToPath } from 'node:url';
import { csvField, formatFxCsv, formatOmsCsv } from '../orders/index.js';
import type { ConstraintDiagnostic, ConversionRow, OptimalRow, PortfolioRunResult, TradeRow } from './run-portfolio.js';

/** The embedded sample: the 2,000-instrument book and its config (`config.json`). */
export const SAMPLE_PORTFOLIO_DIR = fileURLToPath(new URL('../../samples/portfolio/', import.meta.url));

const num = (x: number): string => (Number.isFinite(x) ? String(x) : '');
const line = (cells: readonly (string | number | boolean)[]): string => cells.map((c) => (typeof c === 'number' ? num(c) : csvField(String(c)))).join(',');

export function formatOptimalCsv(rows: readonly OptimalRow[]): string {
  const out = [
    'instrument_id,symbol,type,currency,price,unit_value,current_shares,optimal_shares,rounded_shares,current_notional,optimal_notional,rounded_notional,weight_net,weight_gross,tradable',
  ];
  for (const r of rows) {
    out.push(line([r.instrumentId, r.symbol, r.type, r.currency, r.price, r.unitValue, r.currentShares, r.optimalShares, r.roundedShares, r.currentNotional, r.optimalNotional, r.roundedNotional, r.weightNet, r.weightGross, r.tradable]));
  }
  return `${out.join('\n')}\n`;
}

export function formatTradesCsv(rows: readonly TradeRow[]): string {
  const out = ['instrument_id,symbol,side,trade_shares,market_shares,conversion_shares,trade_notional,market_notional,pct_adv'];
  for (const r of rows) {
    out.push(line([r.instrumentId, r.symbol, r.tradeShares >= 0 ? 'buy' : 'sell', r.tradeShares, r.marketShares, r.conversionShares, r.tradeNotional, r.marketNotional, r.pctAdv]));
  }
  return `${out.join('\n')}\n`;
}

export function formatConversionsCsv(rows: readonly ConversionRow[]): string {
  const out = ['kind,leader_id,leader_symbol,side,leader_shares,notional,members'];
  for (const r of rows) out.push(line([r.kind, r.leaderId, r.leaderSymbol, r.leaderShares >= 0 ? 'buy' : 'sell', r.leaderShares, r.notional, r.members]));
  return `${out.join('\n')}\n`;
}

export function formatDiagnosticsCsv(rows: readonly ConstraintDiagnostic[]): string {
  const out = ['id,level,kind,unit,value,lower,upper,slack,dual,binding,soft,penalty,current_value,rounded_value,rounded_holds,source'];
  for (const r of rows) {
    out.push(line([r.id, r.level, r.kind, r.unit, r.value, r.lower, r.upper, r.slack, r.dual, r.binding, r.soft, r.penalty, r.currentValue, r.roundedValue, r.roundedHolds, r.source]));
  }
  return `${out.join('\n')}\n`;
}

/** JSON with ±Infinity and NaN as null, typed arrays as arrays. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      if (v instanceof Map) return Object.fromEntries(v);
      return v;
    },
    2,
  )}\n`;
}

/** Every output file of a run, by name. */
export function portfolioOutputFiles(result: PortfolioRunResult): Record<string, string> {
  return {
    'optimal.csv': formatOptimalCsv(result.optimal),
    'trades.csv': formatTradesCsv(result.trades),
    'orders.csv': formatOmsCsv(result.orders),
    'fx-orders.csv': formatFxCsv(result.fxOrders),
    'conversions.csv': formatConversionsCsv(result.conversions),
    'diagnostics.csv': formatDiagnosticsCsv(result.diagnostics),
    'summary.json': toJson(result.summary),
    'run-log.json': toJson(result.runLog),
  };
}
