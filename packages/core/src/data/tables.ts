/**
 * The input tables of seed 03 §4 (MODELS.md §2), one schema each. A table is a file
 * `<name>.parquet` or `<name>.csv` in the data directory; columns are matched by name, extra
 * columns are ignored. Units: prices in the instrument's currency per share (per contract for
 * futures, before the multiplier); notionals and ADV in the row's currency; rates and costs
 * as decimals (0.0005 = 5 bp); variances annual.
 */

export const COLUMN_TYPES = ['string', 'number', 'boolean', 'date'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  /** The column must be present. */
  readonly required: boolean;
  /** Empty / null values allowed (otherwise `missing_value`). */
  readonly nullable?: boolean;
  /** Range checks for numbers (`out_of_range`). */
  readonly min?: number;
  readonly minExclusive?: boolean;
  readonly max?: number;
}

export interface TableSpec {
  readonly name: TableName;
  /** The run cannot start without this table. */
  readonly required: boolean;
  readonly columns: readonly ColumnSpec[];
  readonly doc: string;
}

export const TABLE_NAMES = [
  'instruments',
  'risk_model',
  'factor_covariance',
  'specific_risk',
  'liquidity',
  'cost_model',
  'restrictions',
  'margin_model',
  'positions',
  'cash',
  'fx',
  'baskets',
  'alpha',
] as const;
export type TableName = (typeof TABLE_NAMES)[number];

const s = (name: string, required = true, nullable = false): ColumnSpec => ({ name, type: 'string', required, nullable });
const n = (name: string, required = true, extra: Partial<ColumnSpec> = {}): ColumnSpec => ({ name, type: 'number', required, ...extra });
const b = (name: string, required = true): ColumnSpec => ({ name, type: 'boolean', required, nullable: !required });

export const TABLE_SPECS: Readonly<Record<TableName, TableSpec>> = {
  instruments: {
    name: 'instruments',
    required: true,
    doc: 'one row per instrument: type Equity | ETF | Future; basket_id for ETFs and futures that track a basket',
    columns: [
      s('instrument_id'),
      s('ticker'),
      s('type'),
      s('currency'),
      s('primary_listing', false, true),
      s('sector', false, true),
      s('industry', false, true),
      s('country', false, true),
      s('universe_flags', false, true),
      { name: 'expiry', type: 'date', required: false, nullable: true },
      n('contract_multiplier', false, { nullable: true, min: 0, minExclusive: true }),
      s('basket_id', false, true),
      n('creation_unit', false, { nullable: true, min: 0, minExclusive: true }),
    ],
  },
  risk_model: {
    name: 'risk_model',
    required: true,
    doc: 'factor loadings in long form',
    columns: [s('instrument_id'), s('factor'), n('loading')],
  },
  factor_covariance: {
    name: 'factor_covariance',
    required: true,
    doc: 'annual factor covariance, one row per (factor_i, factor_j); one triangle or both',
    columns: [s('factor_i'), s('factor_j'), n('cov')],
  },
  specific_risk: {
    name: 'specific_risk',
    required: true,
    doc: 'annual specific (idiosyncratic) variance',
    columns: [s('instrument_id'), n('idio_variance', true, { min: 0 }), s('model_type', false, true), s('factor_set_name', false, true)],
  },
  liquidity: {
    name: 'liquidity',
    required: true,
    doc: 'average daily volume in value (instrument currency) and shares; spread as a decimal; annual volatility',
    columns: [
      s('instrument_id'),
      n('adv', true, { min: 0 }),
      n('adv_shares', false, { nullable: true, min: 0 }),
      n('spread', false, { nullable: true, min: 0 }),
      n('volatility', false, { nullable: true, min: 0 }),
    ],
  },
  cost_model: {
    name: 'cost_model',
    required: true,
    doc: 'linear_cost: fraction of traded notional; quadratic_cost k: trading U costs k·U²/ADV; annual borrow/financing rates; dividend yield',
    columns: [
      s('instrument_id'),
      n('linear_cost', true, { min: 0 }),
      n('quadratic_cost', true, { min: 0 }),
      n('borrow_rate', true, { min: 0 }),
      n('financing_rate', true),
      n('dividend_yield', false, { nullable: true }),
    ],
  },
  restrictions: {
    name: 'restrictions',
    required: false,
    doc: 'restricted (no trading), no_new_shorts, no_new_longs',
    columns: [s('instrument_id'), b('restricted'), b('no_new_shorts'), b('no_new_longs')],
  },
  margin_model: {
    name: 'margin_model',
    required: false,
    doc: 'initial/maintenance margin and haircut as fractions of notional; synthetic_margin_override: rate on a hedged package led by this instrument',
    columns: [
      s('instrument_id'),
      n('initial_margin_requirement', true, { min: 0 }),
      n('maintenance_margin_requirement', true, { min: 0 }),
      n('haircut', true, { min: 0 }),
      n('synthetic_margin_override', false, { nullable: true, min: 0 }),
    ],
  },
  positions: {
    name: 'positions',
    required: true,
    doc: 'one row per instrument with a price (position_shares 0 for instruments not held); price in the instrument currency',
    columns: [s('instrument_id'), n('position_shares'), n('price', true, { min: 0, minExclusive: true }), s('currency')],
  },
  cash: {
    name: 'cash',
    required: true,
    doc: 'cash per currency, in that currency',
    columns: [s('currency'), n('cash_amount')],
  },
  fx: {
    name: 'fx',
    required: true,
    doc: 'rate = value of one unit of currency in base (default USD); as_of for staleness checks',
    columns: [s('currency'), n('rate', true, { min: 0, minExclusive: true }), s('base', false, true), { name: 'as_of', type: 'date', required: false, nullable: true }],
  },
  baskets: {
    name: 'baskets',
    required: false,
    doc: 'basket composition: weight = fraction of the basket notional in the member (weights sum to 1)',
    columns: [s('basket_id'), s('instrument_id'), n('weight')],
  },
  alpha: {
    name: 'alpha',
    required: false,
    doc: 'expected return over the horizon, decimal',
    columns: [s('instrument_id'), n('alpha')],
  },
};

export interface InstrumentRow {
  readonly instrument_id: string;
  readonly ticker: string;
  readonly type: string;
  readonly currency: string;
  readonly primary_listing: string | null;
  readonly sector: string | null;
  readonly industry: string | null;
  readonly country: string | null;
  readonly universe_flags: string | null;
  /** ISO date `YYYY-MM-DD`. */
  readonly expiry: string | null;
  readonly contract_multiplier: number | null;
  readonly basket_id: string | null;
  readonly creation_unit: number | null;
}
export interface LoadingRow {
  readonly instrument_id: string;
  readonly factor: string;
  readonly loading: number;
}
export interface CovarianceRow {
  readonly factor_i: string;
  readonly factor_j: string;
  readonly cov: number;
}
export interface SpecificRiskRow {
  readonly instrument_id: string;
  readonly idio_variance: number;
  readonly model_type: string | null;
  readonly factor_set_name: string | null;
}
export interface LiquidityRow {
  readonly instrument_id: string;
  readonly adv: number;
  readonly adv_shares: number | null;
  readonly spread: number | null;
  readonly volatility: number | null;
}
export interface CostRow {
  readonly instrument_id: string;
  readonly linear_cost: number;
  readonly quadratic_cost: number;
  readonly borrow_rate: number;
  readonly financing_rate: number;
  readonly dividend_yield: number | null;
}
export interface RestrictionRow {
  readonly instrument_id: string;
  readonly restricted: boolean;
  readonly no_new_shorts: boolean;
  readonly no_new_longs: boolean;
}
export interface MarginRow {
  readonly instrument_id: string;
  readonly initial_margin_requirement: number;
  readonly maintenance_margin_requirement: number;
  readonly haircut: number;
  readonly synthetic_margin_override: number | null;
}
export interface PositionRow {
  readonly instrument_id: string;
  readonly position_shares: number;
  readonly price: number;
  readonly currency: string;
}
export interface CashRow {
  readonly currency: string;
  readonly cash_amount: number;
}
export interface FxRow {
  readonly currency: string;
  readonly rate: number;
  readonly base: string | null;
  readonly as_of: string | null;
}
export interface BasketRow {
  readonly basket_id: string;
  readonly instrument_id: string;
  readonly weight: number;
}
export interface AlphaRow {
  readonly instrument_id: string;
  readonly alpha: number;
}

export interface TableRows {
  instruments: InstrumentRow;
  risk_model: LoadingRow;
  factor_covariance: CovarianceRow;
  specific_risk: SpecificRiskRow;
  liquidity: LiquidityRow;
  cost_model: CostRow;
  restrictions: RestrictionRow;
  margin_model: MarginRow;
  positions: PositionRow;
  cash: CashRow;
  fx: FxRow;
  baskets: BasketRow;
  alpha: AlphaRow;
}

/** A table held in memory: its rows and the file label diagnostics use (`positions.parquet`). */
export interface LoadedTable<T> {
  readonly file: string;
  readonly rows: readonly T[];
  /** 1-based source row of each entry of `rows`; absent means rows[i] is row i + 1. */
  readonly rowNumbers?: readonly number[];
}

/** The 1-based source row of `rows[i]`. */
export const sourceRow = (t: LoadedTable<unknown>, i: number): number => t.rowNumbers?.[i] ?? i + 1;

/** Every table of one data set; optional tables may be absent. */
export type PortfolioTables = {
  readonly [K in TableName]?: LoadedTable<TableRows[K]>;
};

export const INSTRUMENT_TYPES = ['Equity', 'ETF', 'Future'] as const;
export type InstrumentType = (typeof INSTRUMENT_TYPES)[number];
