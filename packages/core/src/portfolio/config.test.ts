import { describe, expect, it } from 'vitest';
import { InputError } from '@keel/solver-native/errors';
import { parsePortfolioConfig, PORTFOLIO_DEFAULTS } from './config.js';
import { SAMPLE_PORTFOLIO_CONFIG } from './sample-config.js';

const paths = (input: unknown): string[] => {
  try {
    parsePortfolioConfig(input);
  } catch (e) {
    if (e instanceof InputError) return e.issues.map((i) => i.path);
    throw e;
  }
  return [];
};

describe('parsePortfolioConfig', () => {
  it('fills every default in one place', () => {
    const c = parsePortfolioConfig(undefined);
    expect(c.numeraire).toBe('USD');
    expect(c.risk).toEqual(PORTFOLIO_DEFAULTS.risk);
    expect(c.solver.method).toBe('auto');
    expect(c.constraints).toEqual({ instrument: { defaults: {}, overrides: [] }, groups: [], portfolio: {} });
    expect(parsePortfolioConfig(SAMPLE_PORTFOLIO_CONFIG).constraints.groups).toHaveLength(5);
  });

  it('names every bad field by JSON path', () => {
    expect(
      paths({
        numeraire: 'usd',
        risk: { aversion: -1 },
        constraints: {
          instrument: { defaults: { positionNotional: { lower: 5, upper: 1 }, tradeAdv: { lower: 0.1 } } },
          groups: [{ by: 'custom', members: [] }, { by: 'factor', measure: 'gross' }, { by: 'sector', measure: 'gross', lower: 1 }],
          portfolio: { gross: { upper: 2, soft: true }, extra: 1 },
        },
      }),
    ).toEqual([
      'numeraire',
      'risk.aversion',
      'constraints.instrument.defaults.positionNotional.lower',
      'constraints.instrument.defaults.tradeAdv.lower',
      'constraints.groups[0].members',
      'constraints.groups[1].factor',
      'constraints.groups[1].measure',
      'constraints.groups[2].lower',
      'constraints.portfolio.gross.penalty',
      'constraints.portfolio',
    ]);
  });
});
