import { InputError, type InputIssue } from '@keel/solver-native/errors';
import type { OmsOrder, OrderRow, OrdersFromTargetsSpec, OrdersResult, OrderTarget } from './types.js';

/** Code-unit comparison: deterministic across locales, unlike localeCompare. */
export const compareSymbols = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// A position computed as notional / price can land a hair off an integer (1e-13); without this a
// cap of exactly 100 shares would floor to 99.
const INT_TOL = 1e-9;

function validate(spec: OrdersFromTargetsSpec): void {
  const issues: InputIssue[] = [];
  const usesWeights = spec.targets.some((t) => t.targetWeight !== undefined);
  if (spec.nav !== undefined && !(Number.isFinite(spec.nav) && spec.nav > 0)) {
    issues.push({ path: 'nav', message: 'must be a finite number > 0' });
  } else if (usesWeights && spec.nav === undefined) {
    issues.push({ path: 'nav', message: 'is required when a target is given as targetWeight' });
  }
  const seen = new Set<string>();
  spec.targets.forEach((t, i) => {
    const p = `targets[${i}]`;
    if (typeof t.symbol !== 'string' || t.symbol.length === 0) issues.push({ path: `${p}.symbol`, message: 'must be a non-empty string' });
    else if (seen.has(t.symbol)) issues.push({ path: `${p}.symbol`, message: `duplicate symbol "${t.symbol}"` });
    else seen.add(t.symbol);
    if (!(Number.isFinite(t.price) && t.price > 0)) issues.push({ path: `${p}.price`, message: 'must be a finite number > 0' });
    if (!Number.isSafeInteger(t.currentShares)) issues.push({ path: `${p}.currentShares`, message: 'must be a whole number of shares' });
    const given = (['targetWeight', 'targetNotional', 'targetShares'] as const).filter((k) => t[k] !== undefined);
    if (given.length !== 1) issues.push({ path: p, message: 'give exactly one of targetWeight, targetNotional, targetShares' });
    for (const k of [...given, 'minNotional', 'maxNotional'] as const) {
      const v = t[k];
      if (v !== undefined && !Number.isFinite(v)) issues.push({ path: `${p}.${k}`, message: 'must be a finite number' });
    }
    if (t.minNotional !== undefined && t.maxNotional !== undefined && t.minNotional > t.maxNotional) {
      issues.push({ path: `${p}.minNotional`, message: `exceeds maxNotional (${t.minNotional} > ${t.maxNotional})` });
    }
  });
  if (issues.length) throw new InputError(issues);
}

function targetShares(t: OrderTarget, nav: number): number {
  if (t.targetShares !== undefined) return t.targetShares;
  const notional = t.targetNotional ?? (t.targetWeight as number) * nav;
  return notional / t.price;
}

function roundTarget(current: number, target: number, mode: 'nearest' | 'toward_current'): number {
  if (mode === 'toward_current') {
    // Trade rounded toward zero: never beyond the target.
    const trade = target - current;
    const whole = Math.round(trade);
    return current + (Math.abs(trade - whole) <= INT_TOL ? whole : Math.trunc(trade));
  }
  const lo = Math.floor(target + INT_TOL);
  const hi = Math.ceil(target - INT_TOL);
  if (lo >= hi) return lo; // target is (within tolerance) an integer
  const dLo = target - lo;
  const dHi = hi - target;
  if (Math.abs(dLo - dHi) <= INT_TOL) return Math.abs(lo - current) <= Math.abs(hi - current) ? lo : hi;
  return dLo < dHi ? lo : hi;
}

/**
 * Whole-share orders that move each position from `currentShares` to the nearest whole number
 * of shares to its target, never crossing the given notional bounds. Zero-share orders are
 * dropped; rows and orders are sorted by symbol, so the output does not depend on input order.
 */
export function ordersFromTargets(spec: OrdersFromTargetsSpec): OrdersResult {
  validate(spec);
  const mode = spec.rounding ?? 'nearest';
  const nav = spec.nav ?? 0;
  const rows: OrderRow[] = [];
  for (const t of [...spec.targets].sort((a, b) => compareSymbols(a.symbol, b.symbol))) {
    const target = targetShares(t, nav);
    let final = roundTarget(t.currentShares, target, mode);
    let unattainable = false;
    const lower = t.minNotional === undefined ? -Infinity : Math.ceil(t.minNotional / t.price - INT_TOL);
    const upper = t.maxNotional === undefined ? Infinity : Math.floor(t.maxNotional / t.price + INT_TOL);
    if (lower > upper) {
      // No whole share fits: the bounds sit strictly between two consecutive integers
      // (upper = k, lower = k + 1). Keep the one nearer zero, the smaller exposure.
      unattainable = true;
      final = upper >= 0 ? upper : lower;
    } else {
      final = Math.min(Math.max(final, lower), upper);
    }
    if (Object.is(final, -0)) final = 0;
    rows.push({
      symbol: t.symbol,
      currentShares: t.currentShares,
      targetShares: target,
      finalShares: final,
      tradeShares: final - t.currentShares,
      boundsUnattainable: unattainable,
    });
  }
  const orders: OmsOrder[] = [];
  for (const r of rows) {
    if (r.tradeShares === 0) continue;
    orders.push({ symbol: r.symbol, side: r.tradeShares > 0 ? 'buy' : 'sell', shares: Math.abs(r.tradeShares) });
  }
  return { orders, rows };
}

/** Orders sorted by symbol, then side (buy first), the order every output uses. */
export function sortOrders<T extends { readonly symbol: string; readonly side: string }>(orders: readonly T[]): T[] {
  return [...orders].sort((a, b) => compareSymbols(a.symbol, b.symbol) || compareSymbols(a.side, b.side));
}
