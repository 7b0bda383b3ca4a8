import { createMulberry32Rng, mixSeed, type Rng } from '../random/index.js';
import { fxFactorName } from './universe.js';
import type {
  AlphaRow,
  BasketRow,
  CashRow,
  CostRow,
  CovarianceRow,
  FxRow,
  InstrumentRow,
  LiquidityRow,
  LoadingRow,
  MarginRow,
  PortfolioTables,
  PositionRow,
  RestrictionRow,
  SpecificRiskRow,
} from './tables.js';

/**
 * A seeded, realistic long/short multi-currency book: equities across sectors and countries
 * (USD, EUR, JPY), broad and sector ETFs with baskets, index futures with multipliers and two
 * expiries, a factor model (market + 33 industries + 7 countries + 18 styles = 59 equity
 * factors, plus FX_EUR and FX_JPY for `risk.fxFactors`) with a positive-definite covariance,
 * liquidity, costs, restrictions and margin.
 *
 * ETFs and futures load on the basket-weighted factor exposures of their members and carry the
 * basket's alpha plus a little noise, so synthetic trades (create/redeem, EFP) and index
 * arbitrage are possible but not free.
 */
export interface SampleSpec {
  /** Total instruments (equities + ETFs + futures); ≥ 200. */
  readonly instruments: number;
  readonly seed: number;
  /** NAV of the book in USD. */
  readonly nav?: number;
  /** Valuation date, ISO. */
  readonly asOf?: string;
  /**
   * Currency factors FX_EUR and FX_JPY in the factor covariance (default true), for
   * `risk.fxFactors`: annual vols 8 % and 10 %, correlated 0.3 with each other and not with the
   * equity factors. With the option off in the config they carry no exposure; the rest of the
   * book is the same with or without them.
   */
  readonly fxFactors?: boolean;
}

/** FX factor vols and their correlation (with `fxFactors`). */
const FX_FACTOR_VOL = { EUR: 0.08, JPY: 0.1 } as const;
const FX_FACTOR_CORRELATION = 0.3;

export const SAMPLE_AS_OF = '2026-11-02';

interface Region {
  readonly code: string;
  readonly currency: 'USD' | 'EUR' | 'JPY';
  readonly countries: readonly string[];
  readonly share: number;
  readonly priceScale: number;
  /** Index future: level and multiplier in local currency. */
  readonly futureLevel: number;
  readonly futureMultiplier: number;
  readonly financingRate: number;
}

const REGIONS: readonly Region[] = [
  { code: 'US', currency: 'USD', countries: ['US'], share: 0.5, priceScale: 1, futureLevel: 5800, futureMultiplier: 50, financingRate: 0.0058 },
  { code: 'EU', currency: 'EUR', countries: ['DE', 'FR', 'NL', 'IT', 'ES'], share: 0.25, priceScale: 0.8, futureLevel: 4900, futureMultiplier: 10, financingRate: 0.0045 },
  { code: 'JP', currency: 'JPY', countries: ['JP'], share: 0.25, priceScale: 140, futureLevel: 39000, futureMultiplier: 1000, financingRate: 0.004 },
];

const FX_USD = { USD: 1, EUR: 1.08, JPY: 0.0066 } as const;

const SECTORS: Readonly<Record<string, readonly string[]>> = {
  Energy: ['Oil & Gas', 'Energy Equipment', 'Renewables'],
  Materials: ['Chemicals', 'Metals & Mining', 'Construction Materials'],
  Industrials: ['Aerospace', 'Machinery', 'Transportation'],
  ConsumerDiscretionary: ['Autos', 'Retail', 'Hotels & Leisure'],
  ConsumerStaples: ['Food', 'Beverages', 'Household Products'],
  HealthCare: ['Pharma', 'Biotech', 'Medical Devices'],
  Financials: ['Banks', 'Insurance', 'Capital Markets'],
  InformationTechnology: ['Software', 'Semiconductors', 'Hardware'],
  CommunicationServices: ['Media', 'Telecom', 'Interactive Media'],
  Utilities: ['Electric', 'Gas Utilities', 'Water'],
  RealEstate: ['REITs', 'Real Estate Services', 'Developers'],
};

const STYLES = [
  'SIZE', 'VALUE', 'MOMENTUM', 'VOLATILITY', 'QUALITY', 'GROWTH', 'LEVERAGE', 'LIQUIDITY', 'YIELD',
  'BETA', 'EARNINGS_VARIABILITY', 'PROFITABILITY', 'INVESTMENT', 'SENTIMENT', 'SHORT_REVERSAL',
  'MID_CAP', 'RESIDUAL_VOL', 'DIVIDEND_GROWTH',
] as const;

const slug = (s: string): string => s.toUpperCase().replace(/[^A-Z0-9]+/g, '_');

export interface SampleFactorNames {
  readonly market: string;
  readonly industries: readonly string[];
  readonly countries: readonly string[];
  readonly styles: readonly string[];
}

export function sampleFactorNames(): SampleFactorNames {
  const industries = Object.values(SECTORS).flat().map((i) => `IND_${slug(i)}`);
  const countries = REGIONS.flatMap((r) => r.countries).map((c) => `CTY_${c}`);
  return { market: 'MARKET', industries, countries, styles: STYLES.map((s) => `STY_${s}`) };
}

interface Equity {
  id: string;
  ticker: string;
  region: Region;
  country: string;
  sector: string;
  industry: string;
  price: number;
  capUsd: number;
  vol: number;
  idioVol: number;
  loadings: Map<string, number>;
  alpha: number;
  dividend: number;
}

function factorCovariance(rng: Rng, names: SampleFactorNames): { factors: string[]; cov: Float64Array } {
  const factors = [names.market, ...names.industries, ...names.countries, ...names.styles];
  const k = factors.length;
  const vol = new Float64Array(k);
  factors.forEach((f, i) => {
    vol[i] = f === names.market ? 0.16 : f.startsWith('IND_') ? rng.uniform(0.04, 0.09) : f.startsWith('CTY_') ? rng.uniform(0.03, 0.07) : rng.uniform(0.015, 0.045);
  });
  // Correlation from a rank-5 block plus a diagonal, normalised: positive definite by construction.
  const r = 5;
  const L = new Float64Array(k * r);
  for (let i = 0; i < k; i++) for (let j = 0; j < r; j++) L[i * r + j] = rng.normal() * 0.35;
  const C = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t < r; t++) s += (L[i * r + t] as number) * (L[j * r + t] as number);
      if (i === j) s += 1;
      C[i * k + j] = s;
      C[j * k + i] = s;
    }
  }
  const cov = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = (C[i * k + j] as number) / Math.sqrt((C[i * k + i] as number) * (C[j * k + j] as number));
      cov[i * k + j] = c * (vol[i] as number) * (vol[j] as number);
    }
  }
  return { factors, cov };
}

const round = (x: number, digits: number): number => Number(x.toPrecision(digits));

/**
 * Generates the tables in memory. `generatePortfolioSample({ instruments: 2000, seed: 7 })` is
 * the embedded sample; 15,000 is the benchmark size.
 */
export function generatePortfolioSample(spec: SampleSpec): PortfolioTables {
  const rng = createMulberry32Rng(mixSeed(spec.seed));
  const n = Math.max(200, Math.floor(spec.instruments));
  const nav = spec.nav ?? 1e9;
  const asOf = spec.asOf ?? SAMPLE_AS_OF;
  const names = sampleFactorNames();
  const { factors, cov } = factorCovariance(rng, names);
  const sectorNames = Object.keys(SECTORS);

  // Sizes: index futures (two expiries per region) and sector futures; broad and sector ETFs.
  const sectorFutureRegions = n >= 1000 ? (n >= 8000 ? REGIONS.slice(0, 2) : REGIONS.slice(0, 1)) : [];
  const nFutures = REGIONS.length * 2 + sectorFutureRegions.length * sectorNames.length;
  const etfIssuers = n >= 8000 ? 2 : 1;
  const nEtfs = REGIONS.length * 2 + REGIONS.length * sectorNames.length * etfIssuers;
  const nEquities = n - nFutures - nEtfs;

  // --- equities
  const equities: Equity[] = [];
  let counter = 0;
  for (const region of REGIONS) {
    const count = region === REGIONS[REGIONS.length - 1] ? nEquities - equities.length : Math.round(nEquities * region.share);
    for (let e = 0; e < count; e++) {
      counter++;
      const sector = rng.pick(sectorNames);
      const industry = rng.pick(SECTORS[sector] as readonly string[]);
      const country = rng.pick(region.countries);
      const capUsd = Math.exp(rng.normal() * 1.1 + Math.log(8e9));
      const vol = rng.uniform(0.18, 0.55);
      const idioVol = vol * rng.uniform(0.55, 0.85);
      const loadings = new Map<string, number>();
      loadings.set(names.market, round(rng.uniform(0.6, 1.4), 4));
      loadings.set(`IND_${slug(industry)}`, 1);
      loadings.set(`CTY_${country}`, 1);
      for (const s of names.styles) loadings.set(s, round(rng.normal(), 4));
      loadings.set('STY_SIZE', round((Math.log(capUsd) - Math.log(8e9)) / 1.1, 4));
      const horizonVol = vol * Math.sqrt(21 / 252);
      equities.push({
        id: `EQ${String(counter).padStart(5, '0')}`,
        ticker: `${region.code}${String(counter).padStart(5, '0')}`,
        region,
        country,
        sector,
        industry,
        price: round(Math.exp(rng.normal() * 0.8 + Math.log(60)) * region.priceScale, 6),
        capUsd,
        vol,
        idioVol,
        loadings,
        alpha: round(0.06 * horizonVol * rng.normal(), 6),
        dividend: round(Math.max(0, rng.normal() * 0.015 + 0.02), 4),
      });
    }
  }

  const instruments: InstrumentRow[] = [];
  const loadingRows: LoadingRow[] = [];
  const specific: SpecificRiskRow[] = [];
  const liquidity: LiquidityRow[] = [];
  const costs: CostRow[] = [];
  const margin: MarginRow[] = [];
  const positions: PositionRow[] = [];
  const alpha: AlphaRow[] = [];
  const baskets: BasketRow[] = [];
  const restrictions: RestrictionRow[] = [];
  const priceUsd = new Map<string, number>();
  const unitUsd = new Map<string, number>();
  const advUsd = new Map<string, number>();

  const eqRow = (e: Equity): InstrumentRow => ({
    instrument_id: e.id,
    ticker: e.ticker,
    type: 'Equity',
    currency: e.region.currency,
    primary_listing: `X${e.country}`,
    sector: e.sector,
    industry: e.industry,
    country: e.country,
    universe_flags: e.capUsd > 2e10 ? 'large_cap' : e.capUsd > 3e9 ? 'mid_cap' : 'small_cap',
    expiry: null,
    contract_multiplier: null,
    basket_id: null,
    creation_unit: null,
  });

  for (const e of equities) {
    instruments.push(eqRow(e));
    for (const [f, l] of e.loadings) loadingRows.push({ instrument_id: e.id, factor: f, loading: l });
    specific.push({ instrument_id: e.id, idio_variance: round(e.idioVol ** 2, 6), model_type: 'in_house', factor_set_name: 'KEEL59' });
    const fx = FX_USD[e.region.currency];
    const advLocal = (e.capUsd * rng.uniform(0.002, 0.008)) / fx;
    const spread = round(Math.min(0.004, 0.0004 * Math.sqrt(2e10 / e.capUsd)) + 0.0001, 4);
    liquidity.push({ instrument_id: e.id, adv: round(advLocal, 6), adv_shares: Math.round(advLocal / e.price), spread, volatility: round(e.vol, 4) });
    advUsd.set(e.id, advLocal * fx);
    const htb = rng.next() < 0.05;
    costs.push({
      instrument_id: e.id,
      linear_cost: round(spread / 2 + 0.0001, 4),
      quadratic_cost: round(0.1 * e.vol, 4),
      borrow_rate: round(htb ? rng.uniform(0.05, 0.3) : rng.uniform(0.0025, 0.006), 4),
      financing_rate: e.region.financingRate,
      dividend_yield: e.dividend,
    });
    const haircut = round(0.12 + 0.3 * (e.vol - 0.18), 4);
    margin.push({ instrument_id: e.id, initial_margin_requirement: haircut, maintenance_margin_requirement: round(haircut * 0.75, 4), haircut, synthetic_margin_override: null });
    alpha.push({ instrument_id: e.id, alpha: e.alpha });
    priceUsd.set(e.id, e.price * fx);
    unitUsd.set(e.id, e.price * fx);
  }

  // --- baskets: one broad index per region (largest names, cap-weighted) and one per sector per region.
  interface Basket { id: string; region: Region; members: Equity[]; weights: number[] }
  const basketList: Basket[] = [];
  const capWeighted = (id: string, region: Region, members: Equity[]): Basket => {
    const total = members.reduce((s, m) => s + m.capUsd, 0);
    const raw = members.map((m) => round(m.capUsd / total, 8));
    // Put the rounding residue on the largest member so weights sum to 1 to 1e-12.
    const resid = 1 - raw.reduce((s, w) => s + w, 0);
    raw[0] = round((raw[0] as number) + resid, 12);
    return { id, region, members, weights: raw };
  };
  const byRegion = new Map<string, Equity[]>();
  for (const e of equities) {
    const list = byRegion.get(e.region.code);
    if (list) list.push(e);
    else byRegion.set(e.region.code, [e]);
  }
  const indexBasket = new Map<string, Basket>();
  for (const region of REGIONS) {
    const pool = [...(byRegion.get(region.code) ?? [])].sort((a, b) => b.capUsd - a.capUsd);
    const size = Math.min(pool.length, Math.max(20, Math.min(500, Math.round(pool.length * 0.3))));
    const bk = capWeighted(`IDX_${region.code}`, region, pool.slice(0, size));
    indexBasket.set(region.code, bk);
    basketList.push(bk);
    for (const sector of sectorNames) {
      const members = pool.filter((e) => e.sector === sector).slice(0, 60);
      if (members.length >= 3) basketList.push(capWeighted(`SEC_${region.code}_${slug(sector)}`, region, members));
    }
  }
  const basketAlpha = (bk: Basket) => bk.members.reduce((s, m, i) => s + (bk.weights[i] as number) * m.alpha, 0);
  const basketLoadings = (bk: Basket) => {
    const out = new Map<string, number>();
    bk.members.forEach((m, i) => {
      for (const [f, l] of m.loadings) out.set(f, (out.get(f) ?? 0) + (bk.weights[i] as number) * l);
    });
    return out;
  };
  const basketIdio = (bk: Basket) => bk.members.reduce((s, m, i) => s + (bk.weights[i] as number) ** 2 * m.idioVol ** 2, 0);
  const basketDividend = (bk: Basket) => bk.members.reduce((s, m, i) => s + (bk.weights[i] as number) * m.dividend, 0);
  const basketLevel = (bk: Basket) => bk.members.reduce((s, m, i) => s + (bk.weights[i] as number) * Math.log(m.price), 0);
  for (const bk of basketList) bk.members.forEach((m, i) => baskets.push({ basket_id: bk.id, instrument_id: m.id, weight: bk.weights[i] as number }));

  const addDerived = (row: InstrumentRow, bk: Basket, opts: { price: number; multiplier: number; trackingVar: number; aum: number; isFuture: boolean; marginRate: number }) => {
    instruments.push(row);
    const id = row.instrument_id;
    for (const [f, l] of basketLoadings(bk)) loadingRows.push({ instrument_id: id, factor: f, loading: round(l, 8) });
    specific.push({ instrument_id: id, idio_variance: round(basketIdio(bk) + opts.trackingVar, 6), model_type: 'in_house', factor_set_name: 'KEEL59' });
    const fx = FX_USD[bk.region.currency];
    const advLocal = opts.aum * (opts.isFuture ? 1 : rng.uniform(0.02, 0.08));
    liquidity.push({ instrument_id: id, adv: round(advLocal, 6), adv_shares: Math.round(advLocal / (opts.price * opts.multiplier)), spread: opts.isFuture ? 0.00005 : 0.0003, volatility: 0.16 });
    costs.push({
      instrument_id: id,
      linear_cost: opts.isFuture ? 0.00004 : 0.00025,
      quadratic_cost: opts.isFuture ? 0.002 : 0.01,
      borrow_rate: opts.isFuture ? 0 : 0.004,
      financing_rate: opts.isFuture ? 0 : bk.region.financingRate,
      dividend_yield: opts.isFuture ? 0 : round(basketDividend(bk), 4),
    });
    margin.push({
      instrument_id: id,
      initial_margin_requirement: opts.marginRate,
      maintenance_margin_requirement: round(opts.marginRate * 0.8, 4),
      haircut: opts.marginRate,
      synthetic_margin_override: 0.02,
    });
    alpha.push({ instrument_id: id, alpha: round(basketAlpha(bk) + rng.normal() * 0.0002, 6) });
    priceUsd.set(id, opts.price * fx);
    unitUsd.set(id, opts.price * opts.multiplier * fx);
  };

  // --- ETFs
  let etfCount = 0;
  const etfBaskets: Basket[] = [];
  for (const region of REGIONS) {
    const idx = indexBasket.get(region.code) as Basket;
    etfBaskets.push(idx, idx);
  }
  for (let issuer = 0; issuer < etfIssuers; issuer++) for (const bk of basketList.filter((b) => b.id.startsWith('SEC_'))) etfBaskets.push(bk);
  // Small books have sectors too thin for a basket: more broad-index ETFs keep the count exact.
  for (let r = 0; etfBaskets.length < nEtfs; r++) etfBaskets.push(indexBasket.get((REGIONS[r % REGIONS.length] as Region).code) as Basket);
  for (const bk of etfBaskets.slice(0, nEtfs)) {
    etfCount++;
    const price = round(Math.exp(basketLevel(bk)) * rng.uniform(0.5, 2.5), 6);
    addDerived(
      {
        instrument_id: `ETF${String(etfCount).padStart(4, '0')}`,
        ticker: `${bk.region.code}E${String(etfCount).padStart(3, '0')}`,
        type: 'ETF',
        currency: bk.region.currency,
        primary_listing: `X${bk.region.countries[0]}`,
        sector: bk.id.startsWith('SEC_') ? (bk.members[0] as Equity).sector : null,
        industry: null,
        country: bk.region.countries[0] as string,
        universe_flags: 'etf',
        expiry: null,
        contract_multiplier: null,
        basket_id: bk.id,
        creation_unit: 10000,
      },
      bk,
      { price, multiplier: 1, trackingVar: 0.0001, aum: rng.uniform(2e9, 4e10) / FX_USD[bk.region.currency], isFuture: false, marginRate: 0.12 },
    );
  }

  // --- futures: index futures (front and next quarterly expiry), sector futures on the main regions.
  let futCount = 0;
  const expiries = ['2026-12-18', '2027-03-19'];
  for (const region of REGIONS) {
    const bk = indexBasket.get(region.code) as Basket;
    for (const expiry of expiries) {
      futCount++;
      addDerived(
        {
          instrument_id: `FUT${String(futCount).padStart(3, '0')}`,
          ticker: `${region.code}IX${expiry.slice(2, 4)}${expiry.slice(5, 7)}`,
          type: 'Future',
          currency: region.currency,
          primary_listing: `F${region.countries[0]}`,
          sector: null,
          industry: null,
          country: region.countries[0] as string,
          universe_flags: 'index_future',
          expiry,
          contract_multiplier: region.futureMultiplier,
          basket_id: bk.id,
          creation_unit: null,
        },
        bk,
        { price: round(region.futureLevel * (expiry === expiries[0] ? 1 : 1.008), 6), multiplier: region.futureMultiplier, trackingVar: 0.00002, aum: 4e10 / FX_USD[region.currency], isFuture: true, marginRate: 0.06 },
      );
    }
  }
  for (const region of sectorFutureRegions) {
    for (const bk of basketList.filter((b) => b.id.startsWith(`SEC_${region.code}_`))) {
      futCount++;
      addDerived(
        {
          instrument_id: `FUT${String(futCount).padStart(3, '0')}`,
          ticker: `${region.code}S${String(futCount).padStart(3, '0')}`,
          type: 'Future',
          currency: region.currency,
          primary_listing: `F${region.countries[0]}`,
          sector: (bk.members[0] as Equity).sector,
          industry: null,
          country: region.countries[0] as string,
          universe_flags: 'sector_future',
          expiry: expiries[0] as string,
          contract_multiplier: 100,
          basket_id: bk.id,
          creation_unit: null,
        },
        bk,
        { price: round(rng.uniform(400, 1500), 6), multiplier: 100, trackingVar: 0.00005, aum: 3e9 / FX_USD[region.currency], isFuture: true, marginRate: 0.07 },
      );
    }
  }

  // --- restrictions: ~1% restricted, 2% no new shorts, 0.5% no new longs (equities only).
  // Basket members stay unrestricted so ETFs and futures remain replicable (a restricted member
  // makes a synthetic unhedgeable, which the universe builder reports).
  const inBasket = new Set(basketList.flatMap((bk) => bk.members.map((m) => m.id)));
  for (const e of equities) {
    const u = rng.next();
    if (inBasket.has(e.id)) continue;
    if (u < 0.035) restrictions.push({ instrument_id: e.id, restricted: u < 0.01, no_new_shorts: u >= 0.01 && u < 0.03, no_new_longs: u >= 0.03 });
  }

  // --- the current book: long/short equities (gross ≈ 1.6 NAV, net ≈ +5%), ETF and futures hedges.
  const held = new Map<string, number>();
  const eqHeld = equities.filter(() => rng.next() < 0.65);
  const grossEq = 1.6 * nav;
  const raw = eqHeld.map(() => Math.exp(rng.normal() * 0.6));
  const rawSum = raw.reduce((s, x) => s + x, 0);
  eqHeld.forEach((e, i) => {
    const long = rng.next() < 0.53;
    // Sized so no position starts above 1.2% of NAV or 30% of its ADV.
    const cap = Math.min(0.012 * nav, 0.3 * (advUsd.get(e.id) as number));
    const notional = Math.min(cap, (grossEq * (raw[i] as number)) / rawSum) * (long ? 1 : -1);
    held.set(e.id, Math.round(notional / (unitUsd.get(e.id) as number)));
  });
  const etfIds = instruments.filter((r) => r.type === 'ETF').map((r) => r.instrument_id);
  for (const id of etfIds.slice(REGIONS.length * 2)) {
    if (rng.next() < 0.3) held.set(id, Math.round((-0.004 * nav * rng.uniform(0.5, 1.5)) / (unitUsd.get(id) as number)));
  }
  for (const region of REGIONS) {
    const fut = instruments.find((r) => r.type === 'Future' && r.basket_id === `IDX_${region.code}`) as InstrumentRow;
    held.set(fut.instrument_id, Math.round((-0.03 * nav) / (unitUsd.get(fut.instrument_id) as number)));
  }
  // Restricted names hold at most 0.5% of NAV, inside any sensible position cap.
  for (const r of restrictions) {
    const sh = held.get(r.instrument_id);
    if (r.restricted && sh !== undefined) held.set(r.instrument_id, Math.round(sh / 3));
  }

  let investedUsd = 0;
  for (const row of instruments) {
    const shares = held.get(row.instrument_id) ?? 0;
    const unit = unitUsd.get(row.instrument_id) as number;
    const local = unit / FX_USD[row.currency as keyof typeof FX_USD] / (row.contract_multiplier ?? 1);
    positions.push({ instrument_id: row.instrument_id, position_shares: shares, price: round(local, 8), currency: row.currency });
    if (row.type !== 'Future') investedUsd += shares * unit;
  }
  const cashUsdTotal = nav - investedUsd;
  const eurCash = (0.04 * nav) / FX_USD.EUR;
  const jpyCash = (0.02 * nav) / FX_USD.JPY;
  const cash: CashRow[] = [
    { currency: 'USD', cash_amount: round(cashUsdTotal - eurCash * FX_USD.EUR - jpyCash * FX_USD.JPY, 12) },
    { currency: 'EUR', cash_amount: round(eurCash, 12) },
    { currency: 'JPY', cash_amount: round(jpyCash, 12) },
  ];
  const fx: FxRow[] = (Object.keys(FX_USD) as (keyof typeof FX_USD)[]).map((c) => ({ currency: c, rate: FX_USD[c], base: 'USD', as_of: asOf }));

  const covRows: CovarianceRow[] = [];
  const k = factors.length;
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) covRows.push({ factor_i: factors[i] as string, factor_j: factors[j] as string, cov: Number((cov[i * k + j] as number).toPrecision(10)) });
  }
  if (spec.fxFactors ?? true) {
    const { EUR, JPY } = FX_FACTOR_VOL;
    const [eur, jpy] = [fxFactorName('EUR'), fxFactorName('JPY')];
    covRows.push({ factor_i: eur, factor_j: eur, cov: EUR * EUR });
    covRows.push({ factor_i: eur, factor_j: jpy, cov: FX_FACTOR_CORRELATION * EUR * JPY });
    covRows.push({ factor_i: jpy, factor_j: jpy, cov: JPY * JPY });
  }

  const table = <T>(name: string, rows: T[]) => ({ file: `${name}.parquet`, rows });
  return {
    instruments: table('instruments', instruments),
    risk_model: table('risk_model', loadingRows),
    factor_covariance: table('factor_covariance', covRows),
    specific_risk: table('specific_risk', specific),
    liquidity: table('liquidity', liquidity),
    cost_model: table('cost_model', costs),
    restrictions: table('restrictions', restrictions),
    margin_model: table('margin_model', margin),
    positions: table('positions', positions),
    cash: table('cash', cash),
    fx: table('fx', fx),
    baskets: table('baskets', baskets),
    alpha: table('alpha', alpha),
  };
}
