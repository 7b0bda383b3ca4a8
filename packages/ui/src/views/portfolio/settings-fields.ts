/** The Optimization Settings tab, as data: one entry per config field (defaults from the engine's config). */
export type SettingField =
  | { readonly path: string; readonly label: string; readonly type: 'number'; readonly unit?: string; readonly help?: string; readonly placeholder?: string }
  | { readonly path: string; readonly label: string; readonly type: 'bool'; readonly help?: string; readonly fallback: boolean }
  | { readonly path: string; readonly label: string; readonly type: 'enum'; readonly options: readonly string[]; readonly help?: string }
  | { readonly path: string; readonly label: string; readonly type: 'text'; readonly help?: string; readonly placeholder?: string };

export interface SettingGroup {
  readonly title: string;
  readonly fields: readonly SettingField[];
}

export const SETTING_GROUPS: readonly SettingGroup[] = [
  {
    title: 'Context',
    fields: [
      { path: 'numeraire', label: 'Numeraire', type: 'text', placeholder: 'USD' },
      { path: 'asOf', label: 'As of', type: 'text', placeholder: 'newest FX date', help: 'YYYY-MM-DD' },
      { path: 'horizonDays', label: 'Horizon', type: 'number', unit: 'days', placeholder: '21' },
    ],
  },
  {
    title: 'Alpha',
    fields: [
      { path: 'alpha.apply', label: 'Use alpha', type: 'bool', fallback: true },
      { path: 'alpha.scale', label: 'Scale', type: 'number', placeholder: '1' },
      { path: 'alpha.normalize', label: 'Normalise', type: 'enum', options: ['none', 'demean', 'zscore'] },
      { path: 'alpha.targetStd', label: 'Target std (z-score)', type: 'number', placeholder: 'raw' },
    ],
  },
  {
    title: 'Risk',
    fields: [
      { path: 'risk.aversion', label: 'Risk aversion λ', type: 'number', placeholder: '10' },
      { path: 'risk.model', label: 'Risk model', type: 'enum', options: ['full', 'idio'], help: 'full: factors + specific; idio: specific only' },
      { path: 'risk.fxFactors', label: 'FX factors', type: 'bool', fallback: false, help: 'currency risk from FX_<CCY> factors of the covariance (exposure: holdings + cash per currency)' },
    ],
  },
  {
    title: 'Costs',
    fields: [
      { path: 'costs.linear', label: 'Linear costs', type: 'bool', fallback: true },
      { path: 'costs.impact', label: 'Market impact', type: 'bool', fallback: true },
      { path: 'costs.borrow', label: 'Borrow', type: 'bool', fallback: true },
      { path: 'costs.financing', label: 'Financing', type: 'bool', fallback: true },
      { path: 'costs.dividends', label: 'Dividends', type: 'bool', fallback: true },
      { path: 'costs.fxCost', label: 'FX cost', type: 'number', unit: 'of notional', placeholder: '0.0001' },
      { path: 'costs.marginFunding', label: 'Margin funding', type: 'number', unit: 'annual rate', placeholder: '0.02', help: 'cost of posted margin; 0 turns it off' },
    ],
  },
  {
    title: 'Synthetics and margin',
    fields: [
      { path: 'synthetics.createRedeem', label: 'ETF create/redeem', type: 'bool', fallback: true },
      { path: 'synthetics.createRedeemCost', label: 'Create/redeem cost', type: 'number', unit: 'of notional', placeholder: '0.0002' },
      { path: 'synthetics.maxCreateRedeemNotional', label: 'Max create/redeem', type: 'number', unit: 'numeraire', placeholder: '5e7' },
      { path: 'synthetics.efp', label: 'EFP (futures ↔ basket)', type: 'bool', fallback: true },
      { path: 'synthetics.efpCost', label: 'EFP cost', type: 'number', unit: 'of notional', placeholder: '0.0001' },
      { path: 'synthetics.maxEfpNotional', label: 'Max EFP', type: 'number', unit: 'numeraire', placeholder: '1e8' },
      { path: 'synthetics.hedgeCredit', label: 'Hedge credit on margin', type: 'bool', fallback: true },
      { path: 'synthetics.hedgedMarginRate', label: 'Hedged margin rate', type: 'number', placeholder: '0.02' },
    ],
  },
  {
    title: 'Representation and solver',
    fields: [
      { path: 'rounding.enabled', label: 'Round to whole shares/contracts', type: 'bool', fallback: true },
      { path: 'solver.method', label: 'Method', type: 'enum', options: ['auto', 'admm', 'interior-point'], help: 'auto: interior point, ADMM only if it misses the KKT check' },
      { path: 'solver.backend', label: 'QP backend', type: 'enum', options: ['auto', 'native', 'ts'] },
      { path: 'solver.screening', label: 'Screened re-solves', type: 'enum', options: ['auto', 'on', 'off'], help: 'auto: from 5,000 instruments' },
      { path: 'solver.prepareScreening', label: 'Prepare re-solves on the cold solve', type: 'bool', fallback: true, help: 'with screening on: the first re-solve then costs what later ones do' },
      { path: 'solver.epsAbs', label: 'eps abs', type: 'number', placeholder: '1e-6' },
      { path: 'solver.epsRel', label: 'eps rel', type: 'number', placeholder: '1e-6' },
      { path: 'solver.maxIter', label: 'Max iterations (ADMM)', type: 'number', placeholder: '500' },
      { path: 'solver.polish', label: 'Polish', type: 'bool', fallback: true },
      { path: 'solver.timeLimitSec', label: 'Time limit', type: 'number', unit: 's (0 = none)', placeholder: '0' },
    ],
  },
];
