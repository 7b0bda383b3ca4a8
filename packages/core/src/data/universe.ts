import { InputError } from '@keel/solver-native/errors';
import type { Diagnostic, DiagnosticCode, DiagnosticSeverity } from './diagnostics.js';
import { symmetricEigenvalues } from './psd.js';
import { INSTRUMENT_TYPES, sourceRow, type InstrumentType, type LoadedTable, type PortfolioTables } from './tables.js';

/** How the universe is joined and checked. */
export interface UniverseSettings {
  /** Currency every notional, cost and risk figure is expressed in. Default USD. */
  readonly numeraire: string;
  /** Valuation date (ISO); default: the newest `as_of` in the FX table. */
  readonly asOf?: string;
  /** FX rates older than this many days (before asOf) are stale (warning). */
  readonly maxFxAgeDays: number;
  /** |Σ basket weights − 1| above this is an error. */
  readonly basketWeightTolerance: number;
  /** When given, `tradeAdvCapacity` = this fraction of ADV (numeraire). */
  readonly maxTradeAdv?: number;
  /**
   * Currency risk factors: a factor `FX_<CCY>` of the covariance per non-numeraire currency,
   * with loadings derived here (see `fxLoadings`), never read from the loadings table.
   */
  readonly fxFactors?: boolean;
}

const FX_FACTOR_PREFIX = 'FX_';
/** Name of the risk factor of a currency's exchange rate against the numeraire. */
export const fxFactorName = (currency: string): string => `${FX_FACTOR_PREFIX}${currency}`;

export const DEFAULT_UNIVERSE_SETTINGS: UniverseSettings = Object.freeze({ numeraire: 'USD', maxFxAgeDays: 3, basketWeightTolerance: 1e-4 });

export interface SyntheticInfo {
  readonly basketId: string;
  /** True when every member is priced, has risk and cost data, and is tradable. */
  readonly valid: boolean;
  readonly reason?: string;
}

/** One instrument after the join, with the derived fields of seed 03 §8. Notionals in numeraire. */
export interface UniverseInstrument {
  readonly index: number;
  readonly id: string;
  readonly ticker: string;
  readonly type: InstrumentType;
  readonly currency: string;
  readonly sector: string;
  readonly industry: string;
  readonly country: string;
  readonly flags: string;
  readonly expiry: string | null;
  readonly multiplier: number;
  readonly basketId: string | null;
  readonly creationUnit: number | null;
  /** Local price per share / contract (before the multiplier). */
  readonly price: number;
  /** Numeraire per unit of the instrument's currency. */
  readonly fx: number;
  /** Numeraire value of one share or contract: price · multiplier · fx. */
  readonly unitValue: number;
  readonly shares0: number;
  /** Current position notional in numeraire (futures: price · multiplier · contracts · fx). */
  readonly notional0: number;
  readonly weightNet: number;
  readonly weightGross: number;
  readonly weightLongLeg: number;
  readonly weightShortLeg: number;
  readonly weightMaxLeg: number;
  /** ADV in numeraire; 0 when unknown. */
  readonly advNotional: number;
  readonly positionToAdv: number;
  readonly tradeAdvCapacity: number;
  readonly idioVariance: number;
  readonly linearCost: number;
  readonly quadraticCost: number;
  readonly borrowRate: number;
  readonly financingRate: number;
  readonly dividendYield: number;
  readonly restricted: boolean;
  readonly noNewShorts: boolean;
  readonly noNewLongs: boolean;
  /** Margin rate on |notional|: initial margin for futures, haircut otherwise. */
  readonly marginRate: number;
  readonly maintenanceMarginRate: number;
  readonly haircut: number;
  /** Rate on a hedged package led by this instrument (synthetic_margin_override), if any. */
  readonly packageMarginRate: number | null;
  readonly marginExposure0: number;
  readonly haircutExposure0: number;
  readonly alpha: number;
  /** False: the instrument is held where it is (no price, risk, cost or liquidity data, bad symbol, expired). */
  readonly tradable: boolean;
  readonly frozenReason?: string;
  readonly synthetic: SyntheticInfo | null;
}

export interface UniverseCurrency {
  readonly code: string;
  readonly fx: number;
  readonly cashLocal: number;
  readonly cashNumeraire: number;
  readonly asOf: string | null;
}

export interface UniverseBasket {
  readonly id: string;
  readonly members: Int32Array;
  readonly weights: Float64Array;
  /** Row of the basket's first entry in the baskets table, for diagnostics. */
  readonly firstRow: number;
}

export interface Universe {
  readonly numeraire: string;
  readonly asOf: string | null;
  /** Σ non-futures position notional + Σ cash, numeraire. */
  readonly nav: number;
  readonly instruments: readonly UniverseInstrument[];
  readonly byId: ReadonlyMap<string, number>;
  readonly factors: readonly string[];
  /** Factor covariance, row-major k × k, annual. */
  readonly factorCov: Float64Array;
  /** Loadings by instrument in CSR form: factor indices and values of instrument i in [ptr[i], ptr[i+1]). */
  readonly loadingPtr: Int32Array;
  readonly loadingFactor: Int32Array;
  readonly loadingValue: Float64Array;
  readonly currencies: readonly UniverseCurrency[];
  /**
   * With `fxFactors`: the factor index of each non-numeraire currency's FX factor (empty
   * otherwise). The loadings above then include each instrument's derived FX loadings; the
   * exposure to FX_c is those plus post-trade cash in c (NAV units), which the QP and the
   * evaluator each add from their own cash accounting.
   */
  readonly fxFactors: ReadonlyMap<string, number>;
  readonly baskets: ReadonlyMap<string, UniverseBasket>;
  readonly totals: { readonly net0: number; readonly gross0: number; readonly long0: number; readonly short0: number; readonly cash0: number };
  readonly diagnostics: readonly Diagnostic[];
}

const SYMBOL_RE = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,31}$/;

const daysBetween = (a: string, b: string): number => (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;

class Findings {
  readonly list: Diagnostic[] = [];
  add(severity: DiagnosticSeverity, code: DiagnosticCode, table: string, message: string, extra: { row?: number; column?: string; instrumentId?: string } = {}) {
    this.list.push({ severity, code, table, message, ...extra });
  }
}

/** Index rows by a key; duplicates are errors naming the second row. */
function indexRows<T>(f: Findings, t: LoadedTable<T> | undefined, key: (r: T) => string, column: string): Map<string, number> {
  const m = new Map<string, number>();
  if (!t) return m;
  t.rows.forEach((r, i) => {
    const k = key(r);
    const prev = m.get(k);
    if (prev !== undefined) f.add('error', 'duplicate_key', t.file, `duplicate "${k}" (first at row ${sourceRow(t, prev)})`, { row: sourceRow(t, i), column });
    else m.set(k, i);
  });
  return m;
}

/**
 * Joins the tables into one universe with derived fields and validation diagnostics (seed 03 §8).
 * Pure. Errors (bad references, non-PSD covariance, missing FX, bad basket weights, problems with
 * held instruments) make `hasErrors(universe.diagnostics)` true; an instrument with a data gap
 * that is not held becomes untradable (frozen at zero) with a warning.
 */
export function buildUniverse(tables: PortfolioTables, settingsIn: Partial<UniverseSettings> = {}): Universe {
  const settings = { ...DEFAULT_UNIVERSE_SETTINGS, ...settingsIn };
  const f = new Findings();
  const inst = tables.instruments;
  const instRows = inst?.rows ?? [];
  const instFile = inst?.file ?? 'instruments';

  // --- FX: rates to the numeraire.
  const fxT = tables.fx;
  const fxIdx = indexRows(f, fxT, (r) => r.currency, 'currency');
  const bases = new Set((fxT?.rows ?? []).map((r) => r.base ?? 'USD'));
  if (bases.size > 1) f.add('error', 'out_of_range', fxT?.file ?? 'fx', `rates quoted against several bases (${[...bases].join(', ')}); use one`, { column: 'base' });
  const base = [...bases][0] ?? 'USD';
  const rateInBase = (c: string): number | undefined => (c === base ? 1 : fxIdx.has(c) ? (fxT?.rows[fxIdx.get(c) as number]?.rate as number) : undefined);
  const numeraireRate = rateInBase(settings.numeraire);
  if (numeraireRate === undefined) f.add('error', 'missing_fx', fxT?.file ?? 'fx', `numeraire ${settings.numeraire} has no rate against ${base}`, { column: 'currency' });
  const toNumeraire = (c: string): number | undefined => {
    const r = rateInBase(c);
    return r === undefined || numeraireRate === undefined ? undefined : r / numeraireRate;
  };
  const fxDates = (fxT?.rows ?? []).map((r) => r.as_of).filter((d): d is string => d !== null);
  const asOf = settings.asOf ?? (fxDates.length ? fxDates.reduce((a, b) => (a > b ? a : b)) : null);
  if (fxT && asOf) {
    fxT.rows.forEach((r, i) => {
      if (r.as_of && daysBetween(r.as_of, asOf) > settings.maxFxAgeDays) {
        f.add('warning', 'stale_fx', fxT.file, `${r.currency} rate is from ${r.as_of}, ${daysBetween(r.as_of, asOf)} days before ${asOf}`, { row: sourceRow(fxT, i), column: 'as_of' });
      }
    });
  }

  // --- factors
  const covT = tables.factor_covariance;
  const factorIndex = new Map<string, number>();
  for (const r of covT?.rows ?? []) {
    for (const name of [r.factor_i, r.factor_j]) if (!factorIndex.has(name)) factorIndex.set(name, factorIndex.size);
  }
  const factors = [...factorIndex.keys()];
  const k = factors.length;
  const factorCov = new Float64Array(k * k);
  const seenCov = new Map<number, number>();
  if (covT) {
    covT.rows.forEach((r, i) => {
      const a = factorIndex.get(r.factor_i) as number;
      const b = factorIndex.get(r.factor_j) as number;
      const row = sourceRow(covT, i);
      for (const [p, q] of a === b ? [[a, b]] : [[a, b], [b, a]]) {
        const key = (p as number) * k + (q as number);
        const prev = seenCov.get(key);
        if (prev === undefined) {
          seenCov.set(key, row);
          factorCov[key] = r.cov;
        } else if (Math.abs((factorCov[key] as number) - r.cov) > 1e-12 * Math.max(1, Math.abs(r.cov))) {
          f.add('error', p === a ? 'duplicate_key' : 'asymmetric_covariance', covT.file, `cov(${r.factor_i}, ${r.factor_j}) = ${r.cov} disagrees with row ${prev} (${factorCov[key]})`, { row, column: 'cov' });
        }
      }
    });
    for (let i = 0; i < k; i++) {
      if (!seenCov.has(i * k + i)) f.add('error', 'missing_value', covT.file, `no variance row for factor ${factors[i]} (factor_i = factor_j = ${factors[i]})`, { column: 'cov' });
    }
    if (k > 0 && !f.list.some((d) => d.table === covT.file && d.severity === 'error')) {
      const eig = symmetricEigenvalues(factorCov, k);
      const minEig = eig[0] as number;
      const maxEig = eig[k - 1] as number;
      if (minEig < -1e-10 * Math.max(maxEig, 1e-300)) {
        // Name the factor whose diagonal pivot first goes negative in a Cholesky pass.
        let culprit = factors[0] as string;
        const L = new Float64Array(k * k);
        for (let j = 0; j < k; j++) {
          let d = factorCov[j * k + j] as number;
          for (let t = 0; t < j; t++) d -= (L[j * k + t] as number) ** 2;
          if (d < -1e-10 * maxEig) {
            culprit = factors[j] as string;
            break;
          }
          const dj = Math.sqrt(Math.max(d, 0));
          for (let i = j + 1; i < k; i++) {
            let s = factorCov[i * k + j] as number;
            for (let t = 0; t < j; t++) s -= (L[i * k + t] as number) * (L[j * k + t] as number);
            L[i * k + j] = dj > 0 ? s / dj : 0;
          }
        }
        f.add('error', 'non_psd_covariance', covT.file, `factor covariance is not positive semidefinite: smallest eigenvalue ${minEig.toExponential(3)} (largest ${maxEig.toExponential(3)}); the Cholesky pivot of ${culprit} goes negative`, {
          row: seenCov.get((factorIndex.get(culprit) as number) * (k + 1)),
          column: 'cov',
        });
      }
    }
  }

  // --- instruments
  const byId = new Map<string, number>();
  const tickerSeen = new Map<string, number>();
  instRows.forEach((r, i) => {
    const row = inst ? sourceRow(inst, i) : i + 1;
    if (byId.has(r.instrument_id)) f.add('error', 'duplicate_key', instFile, `duplicate instrument_id "${r.instrument_id}"`, { row, column: 'instrument_id' });
    else byId.set(r.instrument_id, i);
    if (!(INSTRUMENT_TYPES as readonly string[]).includes(r.type)) {
      f.add('error', 'out_of_range', instFile, `type must be one of ${INSTRUMENT_TYPES.join(', ')} (got "${r.type}")`, { row, column: 'type', instrumentId: r.instrument_id });
    }
    if (toNumeraire(r.currency) === undefined) {
      f.add('error', 'missing_fx', instFile, `currency ${r.currency} has no FX rate`, { row, column: 'currency', instrumentId: r.instrument_id });
    }
    if (r.type === 'Future' && r.contract_multiplier === null) {
      f.add('error', 'missing_value', instFile, 'a future needs a contract_multiplier', { row, column: 'contract_multiplier', instrumentId: r.instrument_id });
    }
    const t = tickerSeen.get(r.ticker);
    if (t === undefined) tickerSeen.set(r.ticker, i);
  });

  const lookup = <T extends { instrument_id: string }>(t: LoadedTable<T> | undefined) => {
    const m = indexRows(f, t, (r) => r.instrument_id, 'instrument_id');
    if (t) {
      for (const [id, i] of m) {
        if (!byId.has(id)) f.add('error', 'unknown_instrument', t.file, `instrument_id "${id}" is not in ${instFile}`, { row: sourceRow(t, i), column: 'instrument_id', instrumentId: id });
      }
    }
    return m;
  };
  const posIdx = lookup(tables.positions);
  const specIdx = lookup(tables.specific_risk);
  const liqIdx = lookup(tables.liquidity);
  const costIdx = lookup(tables.cost_model);
  const resIdx = lookup(tables.restrictions);
  const marIdx = lookup(tables.margin_model);
  const alphaIdx = lookup(tables.alpha);

  // --- loadings (CSR by instrument): count, then fill; duplicates found through a numeric key.
  const lt = tables.risk_model;
  const nInst = instRows.length;
  const rowInst = new Int32Array(lt?.rows.length ?? 0).fill(-1);
  const rowFactor = new Int32Array(lt?.rows.length ?? 0);
  const loadingPtr = new Int32Array(nInst + 1);
  if (lt) {
    const seen = new Set<number>();
    let unknownFactors = 0;
    lt.rows.forEach((r, i) => {
      const ii = byId.get(r.instrument_id);
      const fi = factorIndex.get(r.factor);
      const row = sourceRow(lt, i);
      if (ii === undefined) {
        f.add('error', 'unknown_instrument', lt.file, `instrument_id "${r.instrument_id}" is not in ${instFile}`, { row, column: 'instrument_id', instrumentId: r.instrument_id });
        return;
      }
      if (fi === undefined) {
        if (unknownFactors++ < 10) f.add('error', 'unknown_factor', lt.file, `factor "${r.factor}" has no row in the factor covariance`, { row, column: 'factor', instrumentId: r.instrument_id });
        return;
      }
      const key = ii * k + fi;
      if (seen.has(key)) {
        f.add('error', 'duplicate_key', lt.file, `duplicate loading of ${r.instrument_id} on ${r.factor}`, { row, column: 'factor', instrumentId: r.instrument_id });
        return;
      }
      seen.add(key);
      if (r.loading === 0) return;
      rowInst[i] = ii;
      rowFactor[i] = fi;
      loadingPtr[ii + 1]!++;
    });
  }
  for (let i = 0; i < nInst; i++) loadingPtr[i + 1] = (loadingPtr[i + 1] as number) + (loadingPtr[i] as number);
  const nnz = loadingPtr[nInst] as number;
  const loadingFactor = new Int32Array(nnz);
  const loadingValue = new Float64Array(nnz);
  {
    const next = Int32Array.from(loadingPtr.subarray(0, nInst));
    lt?.rows.forEach((r, i) => {
      const ii = rowInst[i] as number;
      if (ii < 0) return;
      const p = next[ii]!++;
      loadingFactor[p] = rowFactor[i] as number;
      loadingValue[p] = r.loading;
    });
    // Factor order within an instrument (insertion sort: a handful of entries each).
    for (let i = 0; i < nInst; i++) {
      for (let p = (loadingPtr[i] as number) + 1; p < (loadingPtr[i + 1] as number); p++) {
        const fk = loadingFactor[p] as number;
        const vk = loadingValue[p] as number;
        let q = p - 1;
        while (q >= (loadingPtr[i] as number) && (loadingFactor[q] as number) > fk) {
          loadingFactor[q + 1] = loadingFactor[q] as number;
          loadingValue[q + 1] = loadingValue[q] as number;
          q--;
        }
        loadingFactor[q + 1] = fk;
        loadingValue[q + 1] = vk;
      }
    }
  }

  // --- positions: currency must match, every instrument needs a price.
  const posT = tables.positions;
  if (posT) {
    for (const [id, i] of posIdx) {
      const ii = byId.get(id);
      if (ii === undefined) continue;
      const p = posT.rows[i];
      const ir = instRows[ii];
      if (p && !Number.isInteger(p.position_shares)) {
        f.add('error', 'out_of_range', posT.file, `position_shares must be a whole number of shares or contracts (got ${p.position_shares})`, { row: sourceRow(posT, i), column: 'position_shares', instrumentId: id });
      }
      if (p && ir && p.currency !== ir.currency) {
        f.add('error', 'currency_mismatch', posT.file, `currency ${p.currency} differs from ${instFile} (${ir.currency})`, { row: sourceRow(posT, i), column: 'currency', instrumentId: id });
      }
    }
  }

  // --- cash
  const cashT = tables.cash;
  const cashIdx = indexRows(f, cashT, (r) => r.currency, 'currency');
  const currencyCodes = new Set<string>([settings.numeraire]);
  for (const r of instRows) currencyCodes.add(r.currency);
  for (const r of cashT?.rows ?? []) currencyCodes.add(r.currency);
  if (cashT) {
    cashT.rows.forEach((r, i) => {
      if (toNumeraire(r.currency) === undefined) f.add('error', 'missing_fx', cashT.file, `currency ${r.currency} has no FX rate`, { row: sourceRow(cashT, i), column: 'currency' });
    });
  }
  const currencies: UniverseCurrency[] = [...currencyCodes].sort().map((code) => {
    const fx = toNumeraire(code) ?? NaN;
    const ci = cashIdx.get(code);
    const cashLocal = ci === undefined ? 0 : (cashT?.rows[ci]?.cash_amount as number);
    const fi = fxIdx.get(code);
    return { code, fx, cashLocal, cashNumeraire: cashLocal * fx, asOf: fi === undefined ? null : (fxT?.rows[fi]?.as_of ?? null) };
  });

  // --- first pass per instrument: values and tradability
  interface Draft {
    frozen: string[];
    held: boolean;
  }
  const drafts: Draft[] = instRows.map((r) => {
    const pi = posIdx.get(r.instrument_id);
    const shares = pi === undefined ? 0 : (posT?.rows[pi]?.position_shares as number);
    return { frozen: [], held: shares !== 0 };
  });
  const flag = (i: number, code: DiagnosticCode, table: string, message: string, extra: { row?: number; column?: string } = {}) => {
    const r = instRows[i] as (typeof instRows)[number];
    const d = drafts[i] as Draft;
    // A data gap on a held position would misstate the book: that stops the run. Otherwise the
    // instrument is left out of trading.
    f.add(d.held ? 'error' : 'warning', code, table, d.held ? `${message} (held: ${r.instrument_id})` : `${message}; ${r.instrument_id} is not traded`, { ...extra, instrumentId: r.instrument_id });
    d.frozen.push(code);
  };
  instRows.forEach((r, i) => {
    const row = inst ? sourceRow(inst, i) : i + 1;
    if (posIdx.get(r.instrument_id) === undefined) flag(i, 'missing_price', tables.positions?.file ?? 'positions', `no price row for ${r.instrument_id}`, { column: 'price' });
    const ti = tickerSeen.get(r.ticker);
    if (!SYMBOL_RE.test(r.ticker)) flag(i, 'invalid_symbol', instFile, `ticker "${r.ticker}" is not a valid OMS symbol (1–32 of A–Z a–z 0–9 . _ - /)`, { row, column: 'ticker' });
    else if (ti !== i) flag(i, 'invalid_symbol', instFile, `ticker "${r.ticker}" is also used at row ${inst ? sourceRow(inst, ti as number) : (ti as number) + 1}`, { row, column: 'ticker' });
    if (specIdx.get(r.instrument_id) === undefined || (loadingPtr[i + 1] as number) === (loadingPtr[i] as number)) {
      flag(i, 'missing_risk', tables.specific_risk?.file ?? 'specific_risk', `no ${specIdx.has(r.instrument_id) ? 'factor loadings' : 'specific risk'} for ${r.instrument_id}`, { column: specIdx.has(r.instrument_id) ? 'loading' : 'idio_variance' });
    }
    if (costIdx.get(r.instrument_id) === undefined) flag(i, 'missing_cost', tables.cost_model?.file ?? 'cost_model', `no cost model row for ${r.instrument_id}`, { column: 'instrument_id' });
    if (liqIdx.get(r.instrument_id) === undefined) flag(i, 'missing_liquidity', tables.liquidity?.file ?? 'liquidity', `no liquidity row for ${r.instrument_id}`, { column: 'adv' });
    if (r.type === 'Future' && r.expiry && asOf && r.expiry < asOf) flag(i, 'expired_future', instFile, `future expired on ${r.expiry}`, { row, column: 'expiry' });
  });

  // --- numbers
  const num = (t: LoadedTable<Record<string, unknown>> | undefined, idx: Map<string, number>, id: string, col: string, dflt: number): number => {
    const i = idx.get(id);
    if (i === undefined || !t) return dflt;
    const v = (t.rows[i] as Record<string, unknown>)[col];
    return typeof v === 'number' ? v : dflt;
  };
  const asTable = <T>(t: LoadedTable<T> | undefined) => t as unknown as LoadedTable<Record<string, unknown>> | undefined;
  interface Partial0 {
    shares0: number;
    price: number;
    fx: number;
    multiplier: number;
    unitValue: number;
    notional0: number;
  }
  const values: Partial0[] = instRows.map((r) => {
    const pi = posIdx.get(r.instrument_id);
    const p = pi === undefined ? undefined : posT?.rows[pi];
    const fx = toNumeraire(r.currency) ?? NaN;
    const multiplier = r.contract_multiplier ?? 1;
    const price = p?.price ?? 0;
    const shares0 = p?.position_shares ?? 0;
    const unitValue = price * multiplier * fx;
    return { shares0, price, fx, multiplier, unitValue, notional0: shares0 * unitValue };
  });
  const { net0, gross0, long0, short0, invested } = bookTotals(
    instRows.length,
    (i) => (values[i] as Partial0).notional0,
    (i) => (instRows[i] as (typeof instRows)[number]).type === 'Future',
  );
  const cash0 = currencies.reduce((s, c) => s + (Number.isFinite(c.cashNumeraire) ? c.cashNumeraire : 0), 0);
  const nav = invested + cash0;
  if (!(nav > 0)) f.add('error', 'non_positive_nav', tables.cash?.file ?? 'cash', `NAV (positions excluding futures + cash) is ${nav.toFixed(2)} ${settings.numeraire}; it must be positive`, { column: 'cash_amount' });

  // --- baskets and synthetic validity
  const bt = tables.baskets;
  const basketRows = new Map<string, number[]>();
  if (bt) {
    const seen = new Set<string>();
    bt.rows.forEach((r, i) => {
      const row = sourceRow(bt, i);
      if (!byId.has(r.instrument_id)) {
        f.add('error', 'unknown_instrument', bt.file, `basket ${r.basket_id} member "${r.instrument_id}" is not in ${instFile}`, { row, column: 'instrument_id', instrumentId: r.instrument_id });
        return;
      }
      const key = `${r.basket_id}\u0000${r.instrument_id}`;
      if (seen.has(key)) {
        f.add('error', 'duplicate_key', bt.file, `${r.instrument_id} appears twice in basket ${r.basket_id}`, { row, column: 'instrument_id' });
        return;
      }
      seen.add(key);
      const list = basketRows.get(r.basket_id);
      if (list) list.push(i);
      else basketRows.set(r.basket_id, [i]);
    });
  }
  const baskets = new Map<string, UniverseBasket>();
  for (const [id, rows] of basketRows) {
    const b = bt as NonNullable<typeof bt>;
    const weights = Float64Array.from(rows.map((i) => (b.rows[i] as { weight: number }).weight));
    const sum = weights.reduce((s, w) => s + w, 0);
    const firstRow = sourceRow(b, rows[0] as number);
    if (Math.abs(sum - 1) > settings.basketWeightTolerance) {
      f.add('error', 'mismatched_basket_weights', b.file, `weights of basket ${id} sum to ${sum.toPrecision(8)}, not 1 (tolerance ${settings.basketWeightTolerance}); rows ${firstRow}–${sourceRow(b, rows[rows.length - 1] as number)}`, { row: firstRow, column: 'weight' });
    }
    baskets.set(id, { id, members: Int32Array.from(rows.map((i) => byId.get((b.rows[i] as { instrument_id: string }).instrument_id) as number)), weights, firstRow });
  }
  const restrictedOf = (id: string) => (resIdx.has(id) ? (tables.restrictions?.rows[resIdx.get(id) as number]?.restricted ?? false) : false);

  const syntheticOf = (i: number): SyntheticInfo | null => {
    const r = instRows[i] as (typeof instRows)[number];
    if (!r.basket_id || (r.type !== 'ETF' && r.type !== 'Future')) return null;
    const bk = baskets.get(r.basket_id);
    const row = inst ? sourceRow(inst, i) : i + 1;
    let reason: string | undefined;
    if (!bk) reason = `basket ${r.basket_id} is not in the baskets table`;
    else {
      const bad = [...bk.members].filter((m) => (drafts[m] as Draft).frozen.length > 0 || restrictedOf((instRows[m] as (typeof instRows)[number]).instrument_id));
      if (bad.length) reason = `${bad.length} of ${bk.members.length} members cannot be traded (e.g. ${(instRows[bad[0] as number] as (typeof instRows)[number]).instrument_id})`;
      else if (f.list.some((d) => d.code === 'mismatched_basket_weights' && d.row === bk.firstRow)) reason = 'basket weights do not sum to 1';
    }
    if (reason) {
      f.add('warning', 'unhedgeable_synthetic', instFile, `${r.instrument_id} (${r.type}) cannot be replicated: ${reason}; its create/redeem, EFP and hedge credit are off`, { row, column: 'basket_id', instrumentId: r.instrument_id });
      return { basketId: r.basket_id, valid: false, reason };
    }
    return { basketId: r.basket_id, valid: true };
  };

  const maxLeg = Math.max(long0, short0);
  const instruments: UniverseInstrument[] = instRows.map((r, i) => {
    const v = values[i] as Partial0;
    const d = drafts[i] as Draft;
    const id = r.instrument_id;
    const isFuture = r.type === 'Future';
    const advLocal = num(asTable(tables.liquidity), liqIdx, id, 'adv', 0);
    const advNotional = advLocal * v.fx;
    const res = resIdx.has(id) ? tables.restrictions?.rows[resIdx.get(id) as number] : undefined;
    const mi = marIdx.get(id);
    const mr = mi === undefined ? undefined : tables.margin_model?.rows[mi];
    const haircut = mr?.haircut ?? 1;
    const marginRate = isFuture ? (mr?.initial_margin_requirement ?? 1) : haircut;
    const abs0 = Math.abs(v.notional0);
    return {
      index: i,
      id,
      ticker: r.ticker,
      type: r.type as InstrumentType,
      currency: r.currency,
      sector: r.sector ?? 'Unclassified',
      industry: r.industry ?? 'Unclassified',
      country: r.country ?? 'Unclassified',
      flags: r.universe_flags ?? '',
      expiry: r.expiry,
      multiplier: v.multiplier,
      basketId: r.basket_id,
      creationUnit: r.creation_unit,
      price: v.price,
      fx: v.fx,
      unitValue: v.unitValue,
      shares0: v.shares0,
      notional0: v.notional0,
      weightNet: nav > 0 ? v.notional0 / nav : 0,
      weightGross: gross0 > 0 ? abs0 / gross0 : 0,
      weightLongLeg: long0 > 0 ? Math.max(v.notional0, 0) / long0 : 0,
      weightShortLeg: short0 > 0 ? Math.max(-v.notional0, 0) / short0 : 0,
      weightMaxLeg: maxLeg > 0 ? abs0 / maxLeg : 0,
      advNotional,
      positionToAdv: advNotional > 0 ? abs0 / advNotional : abs0 > 0 ? Infinity : 0,
      tradeAdvCapacity: settings.maxTradeAdv === undefined ? Infinity : settings.maxTradeAdv * advNotional,
      idioVariance: num(asTable(tables.specific_risk), specIdx, id, 'idio_variance', 0),
      linearCost: num(asTable(tables.cost_model), costIdx, id, 'linear_cost', 0),
      quadraticCost: num(asTable(tables.cost_model), costIdx, id, 'quadratic_cost', 0),
      borrowRate: num(asTable(tables.cost_model), costIdx, id, 'borrow_rate', 0),
      financingRate: num(asTable(tables.cost_model), costIdx, id, 'financing_rate', 0),
      dividendYield: num(asTable(tables.cost_model), costIdx, id, 'dividend_yield', 0),
      restricted: res?.restricted ?? false,
      noNewShorts: res?.no_new_shorts ?? false,
      noNewLongs: res?.no_new_longs ?? false,
      marginRate,
      maintenanceMarginRate: mr?.maintenance_margin_requirement ?? marginRate,
      haircut,
      packageMarginRate: mr?.synthetic_margin_override ?? null,
      marginExposure0: abs0 * marginRate,
      haircutExposure0: abs0 * haircut,
      alpha: num(asTable(tables.alpha), alphaIdx, id, 'alpha', 0),
      tradable: d.frozen.length === 0,
      ...(d.frozen.length ? { frozenReason: d.frozen.join(', ') } : {}),
      synthetic: null,
    };
  });
  // Synthetic validity needs every member's tradability, so it is a second pass.
  const withSynthetics = instruments.map((u) => (u.basketId ? { ...u, synthetic: syntheticOf(u.index) } : u));
  if (!tables.margin_model) f.add('info', 'missing_value', 'margin_model', 'no margin table: every margin rate is 1 (full notional)');
  else {
    for (const u of withSynthetics) {
      if (!marIdx.has(u.id) && u.tradable) f.add('warning', 'missing_value', tables.margin_model.file, `no margin row for ${u.id}: margin rate 1 (full notional)`, { column: 'haircut', instrumentId: u.id });
    }
  }
  if (!tables.alpha) f.add('info', 'missing_value', 'alpha', 'no alpha table: alpha is zero');

  const fx = fxLoadings(f, withSynthetics, currencies, baskets, factorIndex, settings, { ptr: loadingPtr, factor: loadingFactor, value: loadingValue }, lt, covT?.file ?? 'factor_covariance');

  return {
    numeraire: settings.numeraire,
    asOf,
    nav,
    instruments: withSynthetics,
    byId,
    factors,
    factorCov,
    loadingPtr: fx.ptr,
    loadingFactor: fx.factor,
    loadingValue: fx.value,
    currencies,
    fxFactors: fx.factors,
    baskets,
    totals: { net0, gross0, long0, short0, cash0 },
    diagnostics: f.list,
  };
}

/**
 * The universe after a price update (local prices by instrument id; others unchanged): every
 * price-derived field — unit value, position notional, weights, position/ADV, margin and
 * haircut exposure, NAV and totals — recomputed; structure, risk, costs and validations kept.
 * An intraday re-run uses this instead of re-reading and re-joining the tables. The sums run
 * in the order `buildUniverse` uses, so the result equals a fresh build on the repriced
 * tables bit for bit. A price that is not a finite number > 0, or for an unknown id, is an
 * InputError naming `prices.<id>` (nothing is repriced). One pass over the notionals, then one
 * object per instrument (a single spread each).
 */
export function repriceUniverse(universe: Universe, prices: ReadonlyMap<string, number>): Universe {
  const old = universe.instruments;
  const n = old.length;
  const price = new Float64Array(n);
  const unitValue = new Float64Array(n);
  const notional0 = new Float64Array(n);
  const bad: { path: string; message: string }[] = [];
  let matched = 0;
  for (let i = 0; i < n; i++) {
    const u = old[i] as UniverseInstrument;
    let p = prices.get(u.id);
    if (p === undefined) p = u.price;
    else if (!(Number.isFinite(p) && p > 0)) {
      matched++;
      bad.push({ path: `prices.${u.id}`, message: `price must be a finite number > 0 (got ${p})` });
      p = u.price;
    } else matched++;
    price[i] = p;
    // Unchanged prices keep their derived values exactly (no re-multiplication).
    const uv = p === u.price ? u.unitValue : p * u.multiplier * u.fx;
    unitValue[i] = uv;
    notional0[i] = p === u.price ? u.notional0 : u.shares0 * uv;
  }
  // A price for an id the universe does not have is a mistake (a stale or misspelt id would
  // otherwise leave that instrument at its old price without a word).
  if (matched !== prices.size) {
    for (const id of prices.keys()) if (!universe.byId.has(id)) bad.push({ path: `prices.${id}`, message: 'unknown instrument' });
  }
  if (bad.length) throw new InputError(bad.slice(0, 50));
  const { net0, gross0, long0, short0, invested } = bookTotals(
    n,
    (i) => notional0[i] as number,
    (i) => (old[i] as UniverseInstrument).type === 'Future',
  );
  const cash0 = universe.totals.cash0;
  const nav = invested + cash0;
  const maxLeg = Math.max(long0, short0);
  const instruments: UniverseInstrument[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const u = old[i] as UniverseInstrument;
    const v = notional0[i] as number;
    const abs0 = Math.abs(v);
    instruments[i] = {
      ...u,
      price: price[i] as number,
      unitValue: unitValue[i] as number,
      notional0: v,
      weightNet: nav > 0 ? v / nav : 0,
      weightGross: gross0 > 0 ? abs0 / gross0 : 0,
      weightLongLeg: long0 > 0 ? Math.max(v, 0) / long0 : 0,
      weightShortLeg: short0 > 0 ? Math.max(-v, 0) / short0 : 0,
      weightMaxLeg: maxLeg > 0 ? abs0 / maxLeg : 0,
      positionToAdv: u.advNotional > 0 ? abs0 / u.advNotional : abs0 > 0 ? Infinity : 0,
      marginExposure0: abs0 * u.marginRate,
      haircutExposure0: abs0 * u.haircut,
    };
  }
  return { ...universe, instruments, nav, totals: { net0, gross0, long0, short0, cash0 } };
}

/**
 * Net, gross, long and short notional of the current book and the invested part of NAV (futures
 * excluded), skipping non-finite notionals (reported elsewhere). One function for the build and
 * the repricing, so both sum in the same order and agree bit for bit.
 */
function bookTotals(n: number, notional: (i: number) => number, isFuture: (i: number) => boolean) {
  let net0 = 0;
  let gross0 = 0;
  let long0 = 0;
  let short0 = 0;
  let invested = 0;
  for (let i = 0; i < n; i++) {
    const v = notional(i);
    if (!Number.isFinite(v)) continue;
    net0 += v;
    gross0 += Math.abs(v);
    long0 += Math.max(v, 0);
    short0 += Math.max(-v, 0);
    if (!isFuture(i)) invested += v;
  }
  return { net0, gross0, long0, short0, invested };
}

/**
 * FX factor loadings (`settings.fxFactors`), merged into the loadings CSR. An instrument's
 * exposure to currency c per unit of its numeraire notional: 1 when it is quoted in c; an ETF
 * with a basket looks through to its members' currencies (weight by weight); a future none (its
 * notional is not funded, only its P&L is in c). The numeraire has no FX factor. Errors: a
 * currency held, traded or in cash without its `FX_<CCY>` factor in the covariance, or an FX
 * factor in the loadings table (its loadings are derived). Off, FX factors in the covariance are
 * reported as unused.
 */
function fxLoadings(
  f: Findings,
  inst: readonly UniverseInstrument[],
  currencies: readonly UniverseCurrency[],
  baskets: ReadonlyMap<string, UniverseBasket>,
  factorIndex: ReadonlyMap<string, number>,
  settings: UniverseSettings,
  table: { ptr: Int32Array; factor: Int32Array; value: Float64Array },
  lt: LoadedTable<{ instrument_id: string; factor: string }> | undefined,
  covFile: string,
): { ptr: Int32Array; factor: Int32Array; value: Float64Array; factors: ReadonlyMap<string, number> } {
  if (!settings.fxFactors) {
    // Off, an FX factor is an ordinary factor: loaded from the table, or unused.
    const loaded = new Set(table.factor);
    const unused = [...factorIndex].filter(([name, a]) => name.startsWith(FX_FACTOR_PREFIX) && !loaded.has(a)).map(([name]) => name);
    if (unused.length > 0) f.add('info', 'unknown_factor', covFile, `FX factors ${unused.join(', ')} have no loadings and risk.fxFactors is off: no exposure to them`);
    return { ...table, factors: new Map() };
  }
  const factors = new Map<string, number>();
  const needed = new Set<string>();
  for (const u of inst) if (u.type !== 'Future') needed.add(u.currency);
  for (const c of currencies) needed.add(c.code);
  needed.delete(settings.numeraire);
  for (const c of [...needed].sort()) {
    const a = factorIndex.get(fxFactorName(c));
    if (a === undefined) f.add('error', 'missing_risk', covFile, `risk.fxFactors: no factor ${fxFactorName(c)} in the covariance for currency ${c}`, { column: 'factor_i' });
    else factors.set(c, a);
  }
  lt?.rows.forEach((r, i) => {
    if (r.factor.startsWith(FX_FACTOR_PREFIX)) f.add('error', 'out_of_range', lt.file, `loading on ${r.factor}: with risk.fxFactors FX loadings are derived from currencies, not read`, { row: sourceRow(lt, i), column: 'factor', instrumentId: r.instrument_id });
  });
  // Each instrument's FX loadings (factor index → weight), then the merge, in factor order.
  const n = inst.length;
  const extra: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  const add = (i: number, ccy: string, w: number) => {
    const a = factors.get(ccy);
    if (a === undefined || w === 0) return;
    const m = extra[i] as Map<number, number>;
    m.set(a, (m.get(a) ?? 0) + w);
  };
  for (const u of inst) {
    if (u.type === 'Future') continue;
    const basket = u.type === 'ETF' && u.basketId ? baskets.get(u.basketId) : undefined;
    if (basket) basket.members.forEach((m, j) => add(u.index, (inst[m] as UniverseInstrument).currency, basket.weights[j] as number));
    else add(u.index, u.currency, 1);
  }
  const ptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) ptr[i + 1] = (ptr[i] as number) + ((table.ptr[i + 1] as number) - (table.ptr[i] as number)) + (extra[i] as Map<number, number>).size;
  const factor = new Int32Array(ptr[n] as number);
  const value = new Float64Array(ptr[n] as number);
  for (let i = 0; i < n; i++) {
    const entries: [number, number][] = [];
    for (let p = table.ptr[i] as number; p < (table.ptr[i + 1] as number); p++) entries.push([table.factor[p] as number, table.value[p] as number]);
    for (const e of extra[i] as Map<number, number>) entries.push(e);
    entries.sort((x, y) => x[0] - y[0]);
    entries.forEach(([a, v], t) => {
      factor[(ptr[i] as number) + t] = a;
      value[(ptr[i] as number) + t] = v;
    });
  }
  return { ptr, factor, value, factors };
}
