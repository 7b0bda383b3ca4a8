import type { PortfolioTables, TableRows } from '../../data/tables.js';

/**
 * A hand-sized book for exact tests: five US equities (A–E), two EUR equities (F, G), an ETF on
 * the basket {A 60%, B 40%} and a future on the same basket (multiplier 10), two factors
 * (MARKET, VALUE), USD numeraire with EUR at 1.10. Prices are round so notionals are easy to
 * check by hand. `patch` replaces rows of any table for a test.
 */
export interface MicroBookPatch {
  readonly [table: string]: readonly object[] | undefined;
}

const eq = (id: string, ticker: string, currency: string, sector: string, country: string) => ({
  instrument_id: id,
  ticker,
  type: 'Equity',
  currency,
  primary_listing: null,
  sector,
  industry: null,
  country,
  universe_flags: null,
  expiry: null,
  contract_multiplier: null,
  basket_id: null,
  creation_unit: null,
});

export function microBook(patch: MicroBookPatch = {}): PortfolioTables {
  const instruments: TableRows['instruments'][] = [
    eq('A', 'AAA', 'USD', 'Tech', 'US'),
    eq('B', 'BBB', 'USD', 'Tech', 'US'),
    eq('C', 'CCC', 'USD', 'Energy', 'US'),
    eq('D', 'DDD', 'USD', 'Energy', 'US'),
    eq('E', 'EEE', 'USD', 'Health', 'US'),
    eq('F', 'FFF', 'EUR', 'Tech', 'DE'),
    eq('G', 'GGG', 'EUR', 'Energy', 'DE'),
    { ...eq('ETF', 'ETFX', 'USD', 'Tech', 'US'), type: 'ETF', basket_id: 'BK', creation_unit: 100 },
    { ...eq('FUT', 'FUTX', 'USD', 'Tech', 'US'), type: 'Future', basket_id: 'BK', contract_multiplier: 10, expiry: '2026-12-18' },
  ];
  const price: Record<string, number> = { A: 100, B: 50, C: 40, D: 20, E: 80, F: 10, G: 25, ETF: 80, FUT: 1000 };
  const held: Record<string, number> = { A: 1000, B: -2000, C: 500, D: 0, E: 0, F: 2000, G: -1000, ETF: 0, FUT: 0 };
  const market: Record<string, number> = { A: 1.1, B: 0.9, C: 1.2, D: 0.8, E: 0.7, F: 1.0, G: 1.1 };
  const value: Record<string, number> = { A: -0.5, B: 0.5, C: 1.0, D: 0.3, E: -1.0, F: 0.2, G: 0.8 };
  const alpha: Record<string, number> = { A: 0.004, B: -0.002, C: 0.003, D: -0.001, E: 0.002, F: 0.001, G: -0.003 };
  const basket = { A: 0.6, B: 0.4 };
  market.ETF = 0.6 * (market.A as number) + 0.4 * (market.B as number);
  value.ETF = 0.6 * (value.A as number) + 0.4 * (value.B as number);
  market.FUT = market.ETF;
  value.FUT = value.ETF;
  alpha.ETF = 0.6 * (alpha.A as number) + 0.4 * (alpha.B as number);
  alpha.FUT = alpha.ETF;
  const ids = instruments.map((i) => i.instrument_id);
  const tables: Record<string, { file: string; rows: object[] }> = {
    instruments: { file: 'instruments.csv', rows: instruments },
    risk_model: {
      file: 'risk_model.csv',
      rows: ids.flatMap((id) => [
        { instrument_id: id, factor: 'MARKET', loading: market[id] },
        { instrument_id: id, factor: 'VALUE', loading: value[id] },
      ]),
    },
    factor_covariance: {
      file: 'factor_covariance.csv',
      rows: [
        { factor_i: 'MARKET', factor_j: 'MARKET', cov: 0.04 },
        { factor_i: 'MARKET', factor_j: 'VALUE', cov: 0.002 },
        { factor_i: 'VALUE', factor_j: 'VALUE', cov: 0.01 },
      ],
    },
    specific_risk: { file: 'specific_risk.csv', rows: ids.map((id) => ({ instrument_id: id, idio_variance: id === 'FUT' ? 0.0004 : id === 'ETF' ? 0.001 : 0.04, model_type: null, factor_set_name: null })) },
    liquidity: { file: 'liquidity.csv', rows: ids.map((id) => ({ instrument_id: id, adv: id === 'FUT' ? 1e9 : 5e6, adv_shares: null, spread: null, volatility: null })) },
    cost_model: {
      file: 'cost_model.csv',
      rows: ids.map((id) => ({ instrument_id: id, linear_cost: id === 'FUT' ? 0.00005 : 0.0005, quadratic_cost: 0.02, borrow_rate: id === 'FUT' ? 0 : 0.01, financing_rate: id === 'FUT' ? 0 : 0.01, dividend_yield: 0 })),
    },
    restrictions: { file: 'restrictions.csv', rows: [] },
    margin_model: {
      file: 'margin_model.csv',
      rows: ids.map((id) => ({ instrument_id: id, initial_margin_requirement: id === 'FUT' ? 0.08 : 0.2, maintenance_margin_requirement: 0.1, haircut: 0.2, synthetic_margin_override: id === 'FUT' ? 0.01 : null })),
    },
    positions: { file: 'positions.csv', rows: ids.map((id) => ({ instrument_id: id, position_shares: held[id], price: price[id], currency: id === 'F' || id === 'G' ? 'EUR' : 'USD' })) },
    cash: {
      file: 'cash.csv',
      rows: [
        { currency: 'USD', cash_amount: 1_000_000 },
        { currency: 'EUR', cash_amount: 50_000 },
      ],
    },
    fx: {
      file: 'fx.csv',
      rows: [
        { currency: 'USD', rate: 1, base: 'USD', as_of: '2026-11-02' },
        { currency: 'EUR', rate: 1.1, base: 'USD', as_of: '2026-11-02' },
      ],
    },
    baskets: { file: 'baskets.csv', rows: Object.entries(basket).map(([id, w]) => ({ basket_id: 'BK', instrument_id: id, weight: w })) },
    alpha: { file: 'alpha.csv', rows: ids.map((id) => ({ instrument_id: id, alpha: alpha[id] })) },
  };
  for (const [k, rows] of Object.entries(patch)) if (rows) tables[k] = { file: `${k}.csv`, rows: [...rows] };
  return tables as unknown as PortfolioTables;
}
