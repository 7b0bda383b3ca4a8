import type { GridColumn } from '../../lib/grid/grid-model.js';

export interface LabRow {
  id: string;
  ticker: string;
  type: string;
  sector: string;
  country: string;
  currency: string;
  price: number;
  shares0: number;
  notional0: number;
  weightNet: number;
  advNotional: number;
  positionToAdv: number;
  alpha: number;
  idioVariance: number;
  linearCost: number;
  marginRate: number;
  tradable: boolean;
}

const SECTORS = ['Energy', 'Materials', 'Industrials', 'ConsumerDiscretionary', 'ConsumerStaples', 'HealthCare', 'Financials', 'InformationTechnology', 'CommunicationServices', 'Utilities', 'RealEstate'];
const COUNTRIES = ['US', 'DE', 'FR', 'NL', 'IT', 'ES', 'JP'];

/** Seeded (mulberry32) rows shaped like the portfolio universe. */
export function labRows(n: number, seed: number): LabRow[] {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: LabRow[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const country = COUNTRIES[Math.floor(rnd() * COUNTRIES.length)]!;
    const price = 5 + rnd() * 400;
    const shares0 = Math.round((rnd() - 0.45) * 20000);
    const adv = 1e6 + rnd() * 5e8;
    out[i] = {
      id: `EQ${String(i).padStart(6, '0')}`,
      ticker: `T${i.toString(36).toUpperCase()}`,
      type: rnd() < 0.97 ? 'Equity' : rnd() < 0.5 ? 'ETF' : 'Future',
      sector: SECTORS[Math.floor(rnd() * SECTORS.length)]!,
      country,
      currency: country === 'US' ? 'USD' : country === 'JP' ? 'JPY' : 'EUR',
      price,
      shares0,
      notional0: shares0 * price,
      weightNet: (shares0 * price) / 1e9,
      advNotional: adv,
      positionToAdv: Math.abs(shares0 * price) / adv,
      alpha: (rnd() - 0.5) * 0.02,
      idioVariance: 0.01 + rnd() * 0.2,
      linearCost: 0.0002 + rnd() * 0.001,
      marginRate: 0.1 + rnd() * 0.2,
      tradable: rnd() > 0.01,
    };
  }
  return out;
}

export const labColumns: GridColumn<LabRow>[] = [
  { key: 'id', label: 'Id', width: 90 },
  { key: 'ticker', label: 'Ticker', width: 80 },
  { key: 'type', label: 'Type', width: 64 },
  { key: 'sector', label: 'Sector', width: 150 },
  { key: 'country', label: 'Ctry', width: 48 },
  { key: 'currency', label: 'Ccy', width: 48 },
  { key: 'price', label: 'Price', kind: 'number', digits: 2, width: 80 },
  { key: 'shares0', label: 'Shares', kind: 'int', width: 80 },
  { key: 'notional0', label: 'Notional', kind: 'money', width: 110 },
  { key: 'weightNet', label: 'Weight', kind: 'pct', digits: 3, width: 80 },
  { key: 'advNotional', label: 'ADV', kind: 'money', width: 120 },
  { key: 'positionToAdv', label: 'Pos/ADV', kind: 'pct', digits: 2, width: 80 },
  { key: 'alpha', label: 'Alpha', kind: 'bps', digits: 1, width: 80 },
  { key: 'idioVariance', label: 'Idio var', kind: 'number', digits: 4, width: 80 },
  { key: 'linearCost', label: 'Cost', kind: 'bps', digits: 1, width: 70 },
  { key: 'marginRate', label: 'Margin', kind: 'pct', digits: 1, width: 70 },
  { key: 'tradable', label: 'Tradable', kind: 'bool', width: 70 },
];
