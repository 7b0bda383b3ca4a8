import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTE, formatHash, parseHash } from './route.js';

describe('hash route', () => {
  it('parses view, tab and params', () => {
    expect(parseHash('#/portfolio/results?run=abc-1')).toEqual({ view: 'portfolio', sub: 'results', params: { run: 'abc-1' } });
    expect(parseHash('#/runs/1234')).toEqual({ view: 'runs', sub: '1234', params: {} });
    expect(parseHash('#/portfolio')).toEqual({ view: 'portfolio', sub: 'config', params: {} });
    expect(parseHash('')).toEqual(DEFAULT_ROUTE);
    expect(parseHash('#/nope')).toEqual(DEFAULT_ROUTE);
  });
  it('formats and round-trips, dropping empty params', () => {
    const h = formatHash({ view: 'allocation', params: { run: 'r 1', strategy: undefined, x: '' } });
    expect(h).toBe('#/allocation?run=r+1');
    expect(parseHash(h)).toEqual({ view: 'allocation', sub: undefined, params: { run: 'r 1' } });
  });
});
