import { describe, expect, it } from 'vitest';
import { attributionSign, dataSpec, guessTable, isViolated, readPortfolioResult } from './types.js';

describe('portfolio helpers', () => {
  it('guesses the table from a file name', () => {
    expect(guessTable('instruments.csv')).toBe('instruments');
    expect(guessTable('Risk-Model.parquet')).toBe('risk_model');
    expect(guessTable('my positions.csv')).toBe('');
  });
  it('builds the data part of the request', () => {
    expect(dataSpec('sample', [])).toEqual({ source: 'sample' });
    expect(
      dataSpec('upload', [
        { name: 'fx.csv', table: 'fx', format: 'csv', size: 3, text: 'a,b' },
        { name: 'odd.parquet', table: '', format: 'parquet', size: 3, base64: 'AAA=' },
      ]),
    ).toEqual({ source: 'inline', tables: { fx: { format: 'csv', text: 'a,b' }, odd: { format: 'parquet', base64: 'AAA=' } } });
  });
  it('reads a result tolerantly: bounds, attribution, metrics before/after', () => {
    const v = readPortfolioResult({
      status: 'optimal',
      trades: [{ instrumentId: 'A', shares: 10 }],
      diagnostics: [
        { id: 'portfolio:net', value: 0.05, lower: -0.05, upper: 0.05, dual: 12.5, binding: true },
        { id: 'portfolio:gross', value: 1.2, lower: -1e308, upper: 1.9 },
        { id: 'bad' },
      ],
      summary: { attribution: { alpha: 100, factorRisk: 20, objective: 80 }, metrics: { net: 1, gross: 2, cash: { USD: 1 } }, before: { net: 0 } },
    });
    expect(v.status).toBe('optimal');
    expect(v.constraints.map((c) => [c.id, c.lower, c.slack, c.dual, c.binding])).toEqual([
      ['portfolio:net', -0.05, expect.closeTo(0, 12), 12.5, true],
      ['portfolio:gross', null, expect.closeTo(0.7, 12), null, false],
    ]);
    expect(v.attribution).toEqual([['alpha', 100], ['factorRisk', 20]]);
    expect(v.objective).toBe(80);
    expect(v.metrics).toEqual([{ key: 'net', after: 1, before: 0 }, { key: 'gross', after: 2, before: undefined }]);
    expect(readPortfolioResult(null).trades).toEqual([]);
    expect(attributionSign('alpha')).toBe(1);
    const c = { id: 'x', value: 0.1 + 1e-10, lower: null, upper: 0.1, slack: -1e-10, dual: null, binding: true };
    expect(isViolated(c)).toBe(false);
    expect(isViolated({ ...c, slack: -1e-3 })).toBe(true);
    expect(isViolated({ ...c, holds: false })).toBe(true);
    expect(attributionSign('impactCost')).toBe(-1);
  });
});
