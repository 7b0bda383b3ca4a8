import { describe, expect, it } from 'vitest';
import { formatPath, getAt, normalizePath, parsePath, resolvePath, setAt } from './json-path.js';

describe('json paths', () => {
  it('parses the server spelling and round-trips', () => {
    expect(parsePath('trades[3].quantity')).toEqual(['trades', 3, 'quantity']);
    expect(parsePath('[0].x')).toEqual([0, 'x']);
    expect(formatPath(['a', 0, 'b'])).toBe('a[0].b');
    expect(normalizePath('a.0.b')).toBe('a[0].b');
    expect(parsePath('')).toEqual([]);
  });
  it('resolves keys that contain dots against the value', () => {
    const v = { accounts: [{ positions: { 'UST 4.25 2034': 1 } }] };
    expect(resolvePath(v, 'accounts[0].positions.UST 4.25 2034')).toEqual(['accounts', 0, 'positions', 'UST 4.25 2034']);
    expect(resolvePath(v, 'accounts[0].missing.x')).toEqual(['accounts', 0, 'missing', 'x']);
  });
  it('setAt copies the spine only and deletes on undefined', () => {
    const shared = { big: [1, 2, 3] };
    const v = { a: { b: 1 }, shared };
    const w = setAt(v, ['a', 'b'], 2);
    expect(w).toEqual({ a: { b: 2 }, shared });
    expect(w.shared).toBe(shared);
    expect(v.a.b).toBe(1);
    expect(setAt(v, ['a', 'b'], undefined)).toEqual({ a: {}, shared });
    expect(setAt({}, ['x', 0, 'y'], 'z')).toEqual({ x: [{ y: 'z' }] });
    expect(getAt(w, ['a', 'b'])).toBe(2);
    expect(getAt(w, ['a', 'b', 'c'])).toBeUndefined();
  });
});
