import { describe, expect, it } from 'vitest';
import { claims, issuesFor, numberDraft, splitSides, stripPrefix, unclaimed } from './field-errors.js';

describe('field errors', () => {
  const issues = [
    { path: 'config.constraints.portfolio.net.lower', message: 'lower 0.1 exceeds upper 0.05' },
    { path: 'config.constraints.groups.2.upper', message: 'expected number' },
    { path: 'data.tables.fx', message: 'unreadable' },
  ];
  it('strips the request prefix the form does not show', () => {
    expect(stripPrefix(issues, 'config').map((i) => i.path)).toEqual(['constraints.portfolio.net.lower', 'constraints.groups[2].upper']);
  });
  it('a field claims its own path and below, in either spelling', () => {
    expect(claims('constraints.groups[2]', 'constraints.groups.2.upper')).toBe(true);
    expect(claims('constraints.groups[2].upper', 'constraints.groups[2].upperX')).toBe(false);
    expect(claims('accounts[0].constraints[1].limit', 'accounts[0].constraints[1].limit')).toBe(true);
    expect(issuesFor(stripPrefix(issues, 'config'), 'constraints.portfolio.net')).toHaveLength(1);
  });
  it('unclaimed issues are kept for the form-level list', () => {
    const s = stripPrefix(issues, '');
    expect(unclaimed(s, ['config.constraints.portfolio']).map((i) => i.path)).toEqual(['config.constraints.groups[2].upper', 'data.tables.fx']);
  });
  it('a contradiction is shown on both of its sides', () => {
    expect(splitSides([{ path: 'a.b vs c.d', message: 'm' }, { path: 'x', message: 'n' }])).toEqual([
      { path: 'a.b', message: 'm' },
      { path: 'c.d', message: 'm' },
      { path: 'x', message: 'n' },
    ]);
  });
  it('numeric drafts keep what was typed when it is not a number', () => {
    expect(numberDraft('1,000,000')).toBe(1_000_000);
    expect(numberDraft(' -0.5 ')).toBe(-0.5);
    expect(numberDraft('1e-3')).toBe(0.001);
    expect(numberDraft('')).toBeUndefined();
    expect(numberDraft('abc')).toBe('abc');
    expect(numberDraft('12abc')).toBe('12abc');
    expect(numberDraft('Infinity')).toBe('Infinity');
  });
});
