/**
 * Columns for rows whose shape the UI does not fix in advance (engine outputs that may grow
 * fields): a key's kind comes from its values and its name, so money gets separators, weights
 * percentages, share counts integers. `order` puts known keys first; unknown keys follow.
 */
import type { ValueKind } from '../format.js';
import type { GridColumn } from './grid-model.js';

const PCT = /(weight|pct|percent|share(?!s)|ratio|toadv|rate|yield|alpha|vol(atility)?$|slack_?pct|headroom)/i;
const INT = /(^|_)(shares|contracts|rows|count|iterations|row)$|shares0$|^shares/i;
const MONEY = /(notional|value|cash|nav|cost|margin|exposure|pnl|amount|adv|gross|net|long|short|turnover|capacity|money)/i;
const SIG = /(dual|lower|upper|slack|loading|variance|coef|price|fx|multiplier|z$)/i;

export function kindFor(key: string, sample: readonly unknown[]): ValueKind {
  const defined = sample.filter((v) => v !== null && v !== undefined);
  if (defined.length === 0) return 'text';
  if (defined.every((v) => typeof v === 'boolean')) return 'bool';
  if (!defined.every((v) => typeof v === 'number')) return 'text';
  if (SIG.test(key)) return 'sig';
  if (INT.test(key)) return 'int';
  if (PCT.test(key)) return 'pct';
  if (MONEY.test(key)) return 'money';
  return 'sig';
}

const label = (key: string) =>
  key
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/^./, (c) => c.toUpperCase());

export function inferColumns<R extends object>(rows: readonly R[], order: readonly string[] = [], skip: readonly string[] = []): GridColumn<R>[] {
  const sample = rows.slice(0, 200) as Record<string, unknown>[];
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const r of sample)
    for (const k of Object.keys(r))
      if (!seen.has(k)) {
        seen.add(k);
        keys.push(k);
      }
  const ordered = [...order.filter((k) => seen.has(k)), ...keys.filter((k) => !order.includes(k))].filter((k) => !skip.includes(k));
  return ordered.flatMap((key) => {
    const values = sample.map((r) => r[key]);
    if (values.some((v) => typeof v === 'object' && v !== null)) return [];
    const kind = kindFor(key, values);
    const digits = kind === 'pct' ? 3 : undefined;
    return [{ key, label: label(key), kind, ...(digits !== undefined ? { digits } : {}), width: kind === 'text' ? Math.min(220, Math.max(70, 8 * Math.max(label(key).length, ...values.slice(0, 50).map((v) => String(v ?? '').length)))) : Math.max(90, Math.min(170, 8 * label(key).length + 18)) }];
  });
}
