import type { PortfolioConfigInput } from './config.js';

/**
 * The run config of the embedded sample (also written as samples/portfolio/config.json): the
 * full constraint set of seed 03 §9, bounds in fractions of NAV so it fits any book size.
 */
export const SAMPLE_PORTFOLIO_CONFIG = {
  numeraire: 'USD',
  horizonDays: 21,
  alpha: { apply: true, scale: 1, normalize: 'none' },
  risk: { aversion: 20, model: 'full' },
  costs: { linear: true, impact: true, borrow: true, financing: true, dividends: true, fxCost: 0.0001 },
  synthetics: { createRedeem: true, efp: true, hedgeCredit: true, hedgedMarginRate: 0.02 },
  constraints: {
    instrument: {
      defaults: {
        positionNotional: { lower: -0.015, upper: 0.015, unit: 'nav' },
        positionAdv: { upper: 0.5 },
        tradeAdv: { upper: 0.1 },
        marginContribution: { upper: 0.004, unit: 'nav' },
      },
      overrides: [
        { types: ['Future'], positionNotional: { lower: -0.15, upper: 0.15, unit: 'nav' }, marginContribution: { upper: 0.02, unit: 'nav' } },
        { types: ['ETF'], positionNotional: { lower: -0.04, upper: 0.04, unit: 'nav' } },
      ],
    },
    groups: [
      { by: 'sector', measure: 'net', lower: -0.04, upper: 0.04, unit: 'nav' },
      { by: 'country', measure: 'gross', upper: 1.0, unit: 'nav' },
      { by: 'sector', value: 'InformationTechnology', measure: 'turnover', upper: 0.08, unit: 'nav' },
      { by: 'currency', value: 'JPY', measure: 'margin', upper: 0.12, unit: 'nav' },
      { by: 'factor', factor: 'STY_MOMENTUM', lower: -0.08, upper: 0.08, unit: 'nav', soft: true, penalty: 0.02 },
    ],
    portfolio: {
      net: { lower: -0.05, upper: 0.05, unit: 'nav' },
      gross: { upper: 1.9, unit: 'nav' },
      leverage: { upper: 2.0 },
      longLeg: { upper: 1.0, unit: 'nav' },
      shortLeg: { upper: 1.0, unit: 'nav' },
      turnover: { upper: 0.35, unit: 'nav' },
      marginBudget: { upper: 0.3, unit: 'nav' },
      cash: { EUR: { lower: 0, unit: 'nav' }, JPY: { lower: 0, unit: 'nav' }, USD: { lower: 0, unit: 'nav' } },
      marketNeutral: { by: 'beta', factor: 'MARKET', tolerance: 0.02, unit: 'nav' },
      factorNeutral: { factors: ['STY_SIZE', 'STY_VALUE'], tolerance: 0.03, unit: 'nav', soft: true, penalty: 0.05 },
    },
  },
  rounding: { enabled: true },
} as const satisfies PortfolioConfigInput;
