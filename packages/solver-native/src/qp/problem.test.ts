import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.js';
import { parseQpProblem, qpProblemToJson, validateQpProblem } from './problem.js';

const good = () => ({
  n: 2,
  m: 2,
  P: { colPtr: [0, 1, 3], rowIdx: [0, 0, 1], values: [2, 0.5, 1] },
  q: [1, -1],
  r: 3,
  A: { colPtr: [0, 2, 3], rowIdx: [0, 1, 1], values: [1, 1, 1] },
  l: [null, -1e30],
  u: [1, 1e20],
});

const paths = (json: unknown): string[] => {
  try {
    parseQpProblem(json);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).issues.map((i) => i.path);
  }
  throw new Error('accepted');
};

describe('parseQpProblem', () => {
  it('reads the JSON form into typed arrays, infinite bounds from null and ±1e20 or beyond', () => {
    const p = parseQpProblem(good());
    expect(p.P.colPtr).toBeInstanceOf(Int32Array);
    expect(Array.from(p.l)).toEqual([-Infinity, -Infinity]);
    expect(Array.from(p.u)).toEqual([1, Infinity]);
    expect(p.r).toBe(3);
    expect(qpProblemToJson(p).l).toEqual([null, null]);
  });

  it('names every bad field with its path', () => {
    expect(paths({ ...good(), q: [1, 'x'] })).toEqual(['q[1]']);
    expect(paths({ ...good(), l: [2, 0], u: [1, 1] })).toEqual(['l[0]']);
    expect(paths({ ...good(), A: { ...good().A, rowIdx: [0, 2, 1] } })).toEqual(['A.rowIdx[1]']);
    expect(paths({ ...good(), A: { ...good().A, rowIdx: [1, 0, 1] } })).toEqual(['A.rowIdx[1]']);
    expect(paths({ ...good(), A: { ...good().A, rowIdx: [0, 0, 1] } })).toEqual(['A.rowIdx[1]']);
    expect(paths({ ...good(), P: { colPtr: [0, 2, 3], rowIdx: [0, 1, 1], values: [1, 1, 1] } })).toEqual(['P']);
    expect(paths({ ...good(), A: { ...good().A, colPtr: [0, 3, 2] } })).toContain('A.colPtr[2]');
    expect(paths({ ...good(), q: [1] })).toEqual(['q']);
    expect(paths({ ...good(), n: -1 })).toEqual(['n']);
    expect(paths({ ...good(), P: { ...good().P, values: [1, Infinity, 1] } })).toEqual(['P.values[1]']);
    expect(paths({ ...good(), r: 'x' })).toEqual(['r']);
    expect(paths(null)).toEqual(['']);
  });

  it('reports all issues at once, capped', () => {
    const many = { ...good(), n: 2, q: Array(50).fill('bad') };
    const list = paths(many);
    expect(list.length).toBeLessThanOrEqual(21);
    expect(list[0]).toBe('q[0]');
  });

  it('rejects ±Infinity outside the bounds and NaN anywhere in typed input', () => {
    const p = parseQpProblem(good());
    expect(() => validateQpProblem({ ...p, q: Float64Array.of(Infinity, 0) })).toThrow(/q\[0\]/);
    expect(() => validateQpProblem({ ...p, u: Float64Array.of(NaN, 1) })).toThrow(/u\[0\]/);
    expect(() => validateQpProblem({ ...p, l: Float64Array.of(Infinity, 0) })).toThrow(/l\[0\]/);
  });
});
