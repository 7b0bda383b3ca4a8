import { describe, expect, it } from 'vitest';
import { inferColumns, kindFor } from './infer-columns.js';

describe('inferred columns', () => {
  it('picks kinds from values and names', () => {
    expect(kindFor('notional0', [1e6, -2e5])).toBe('money');
    expect(kindFor('weightNet', [0.01])).toBe('pct');
    expect(kindFor('shares', [100, null])).toBe('int');
    expect(kindFor('dual', [0.2])).toBe('sig');
    expect(kindFor('tradable', [true, false])).toBe('bool');
    expect(kindFor('sector', ['Energy', 3])).toBe('text');
    expect(kindFor('anything', [null, undefined])).toBe('text');
  });
  it('orders known keys first and drops nested values', () => {
    const cols = inferColumns([{ b: 1, a: 'x', nested: { q: 1 }, c: true }], ['a', 'zz']);
    expect(cols.map((c) => c.key)).toEqual(['a', 'b', 'c']);
    expect(cols[0]!.label).toBe('A');
    expect(inferColumns([{ instrumentId: 'X' }])[0]!.label).toBe('Instrument Id');
  });
});
