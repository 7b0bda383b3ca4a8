import { describe, expect, it } from 'vitest';
import { coerceTable } from './coerce-table.js';
import { diagnosticPath } from './diagnostics.js';
import { TABLE_SPECS, type PositionRow } from './tables.js';

const positions = (cols: Record<string, unknown[]>) => Object.entries(cols).map(([name, values]) => ({ name, values }));

describe('coerceTable', () => {
  it('parses text cells (CSV) into typed rows', () => {
    const r = coerceTable<PositionRow>(TABLE_SPECS.positions, 'positions.csv', positions({ instrument_id: ['A', 'B'], position_shares: ['100', '-2e3'], price: ['10.5', ' 7 '], currency: ['USD', 'EUR'] }));
    expect(r.diagnostics).toEqual([]);
    expect(r.rows).toEqual([
      { instrument_id: 'A', position_shares: 100, price: 10.5, currency: 'USD' },
      { instrument_id: 'B', position_shares: -2000, price: 7, currency: 'EUR' },
    ]);
  });

  it('names table, row and column of NaN, text in a number column and a missing value', () => {
    const r = coerceTable<PositionRow>(
      TABLE_SPECS.positions,
      'positions.csv',
      positions({ instrument_id: ['A', 'B', 'C', ''], position_shares: ['1', '2', 'x', '4'], price: ['1', 'nan', '3', '4'], currency: ['USD', 'USD', 'USD', 'USD'] }),
    );
    expect(r.diagnostics.map((d) => [diagnosticPath(d), d.code])).toEqual([
      ['positions.csv:2:price', 'not_finite'],
      ['positions.csv:3:position_shares', 'wrong_type'],
      ['positions.csv:4:instrument_id', 'missing_value'],
    ]);
    expect(r.rows.map((x) => x.instrument_id)).toEqual(['A']);
    expect(r.rowNumbers).toEqual([1]);
  });

  it('treats Parquet NaN doubles like text nan and checks ranges (negative ADV)', () => {
    const p = coerceTable(TABLE_SPECS.positions, 'positions.parquet', positions({ instrument_id: ['A'], position_shares: [1n], price: [NaN], currency: ['USD'] }));
    expect(p.diagnostics.map(diagnosticPath)).toEqual(['positions.parquet:1:price']);
    const l = coerceTable(TABLE_SPECS.liquidity, 'liquidity.parquet', positions({ instrument_id: ['A', 'B'], adv: [1e6, -5] }));
    expect(l.diagnostics.map((d) => [diagnosticPath(d), d.code, d.message])).toEqual([['liquidity.parquet:2:adv', 'out_of_range', 'must be ≥ 0 (got -5)']]);
  });

  it('reports a missing required column once, by name', () => {
    const r = coerceTable(TABLE_SPECS.positions, 'positions.parquet', positions({ instrument_id: ['A'], position_shares: [1], currency: ['USD'] }));
    expect(r.diagnostics.map((d) => [diagnosticPath(d), d.code])).toEqual([['positions.parquet::price', 'missing_column']]);
    expect(r.rows).toEqual([]);
  });

  it('accepts booleans and dates in their usual spellings and rejects others', () => {
    const b = coerceTable(TABLE_SPECS.restrictions, 'restrictions.csv', positions({ instrument_id: ['A', 'B'], restricted: ['true', 'maybe'], no_new_shorts: ['0', '1'], no_new_longs: [false, 'yes'] }));
    expect(b.diagnostics.map(diagnosticPath)).toEqual(['restrictions.csv:2:restricted']);
    const f = coerceTable(TABLE_SPECS.fx, 'fx.csv', positions({ currency: ['EUR', 'JPY'], rate: ['1.1', '0.007'], as_of: ['2026-11-02', '2026-02-30'] }));
    expect(f.diagnostics.map(diagnosticPath)).toEqual(['fx.csv:2:as_of']);
    expect(f.rows[0]).toMatchObject({ currency: 'EUR', as_of: '2026-11-02', base: null });
  });

  it('caps cell findings per column and says how many more there were', () => {
    const bad = Array.from({ length: 25 }, () => 'x');
    const r = coerceTable(TABLE_SPECS.alpha, 'alpha.csv', positions({ instrument_id: bad.map((_, i) => `I${i}`), alpha: bad }));
    expect(r.diagnostics).toHaveLength(11);
    expect(r.diagnostics[10]?.message).toBe('15 more bad values in this column');
  });
});
