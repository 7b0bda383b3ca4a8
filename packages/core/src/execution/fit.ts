import { InputError, type InputIssue } from '@keel/solver-native/errors';

/**
 * Impact fitting from executed fills (seed 04's "fitted impact models").
 *
 * A fill is `time` (minutes since the open, fractional allowed), `size` (shares > 0) and
 * `slippageBps` (execution price against the arrival mid, in bps, positive = cost). The bin of a
 * fill is ⌊time / binMinutes⌋.
 *
 * Linear model: slippage_bps = β_t · size, so the cost of x shares is x · β_t x = β_t x²
 * (bps·shares). β_t is least squares through the origin per bin: β_t = Σ x s / Σ x².
 * Power law: slippage_bps = η_t · size^a, cost η_t x^(1+a). One exponent a for the day, per-bin
 * levels η_t: the log-log regression log s = log η_t + a log x with a bin fixed effect (the
 * "within" estimator), on fills with positive slippage. exp of a mean log is a median, so η_t is
 * the median-slippage level; with log-normal noise the mean is higher by exp(s²/2).
 * Bins with too few fills (or a non-positive β) take a value interpolated between their nearest
 * fitted neighbours; every bin says which.
 */
export interface Fill {
  readonly time: number;
  readonly size: number;
  readonly slippageBps: number;
}

export interface FitSettings {
  /** Bins in the day (default 390). */
  readonly intervals?: number;
  /** Minutes per bin (default 1). */
  readonly binMinutes?: number;
  /** Fills a bin needs for its own estimate (default 3). */
  readonly minFills?: number;
  /** Names fill i's field in errors (default `fills[i].field`; the CLI gives `file:row:column`). */
  readonly where?: (i: number, field: keyof Fill) => string;
}

export type BinSource = 'fit' | 'interpolated';

export interface LinearBinFit {
  readonly bin: number;
  readonly n: number;
  readonly beta: number;
  /** 1 − SSR/SST (centred SST); null with fewer than 2 fills or no spread. Can be negative. */
  readonly r2: number | null;
  /** √(SSR/(n − 1)), bps; null with fewer than 2 fills. */
  readonly residualStd: number | null;
  readonly source: BinSource;
}

export interface LinearFit {
  readonly beta: number[];
  readonly bins: LinearBinFit[];
  /** One β for all fills: a reference for the per-bin fit. */
  readonly pooled: { readonly beta: number; readonly r2: number | null; readonly residualStd: number | null; readonly n: number };
  readonly fittedBins: number;
}

export interface PowerLawBinFit {
  readonly bin: number;
  /** Fills with positive slippage used in the log-log fit. */
  readonly n: number;
  readonly eta: number;
  readonly source: BinSource;
}

export interface PowerLawFit {
  readonly eta: number[];
  readonly exponent: number;
  /** The regression's slope before clamping into [0.05, 1]. */
  readonly rawExponent: number;
  readonly exponentClamped: boolean;
  /** In log space, over the fills used. */
  readonly r2: number | null;
  readonly residualStd: number | null;
  readonly n: number;
  /** Fills left out of the log-log fit (slippage ≤ 0). */
  readonly excluded: number;
  readonly bins: PowerLawBinFit[];
  readonly fittedBins: number;
}

export interface ImpactFit {
  readonly fills: number;
  readonly intervals: number;
  readonly binMinutes: number;
  readonly linear: LinearFit;
  readonly powerLaw: PowerLawFit;
}

export const MIN_FITTED_EXPONENT = 0.05;

/** Checks fills before fitting; `where(i, field)` names a fill (JSON path or file:row:column). */
export function validateFills(
  fills: readonly Fill[],
  intervals: number,
  binMinutes: number,
  where: (i: number, field: keyof Fill) => string = (i, f) => `fills[${i}].${f}`,
): void {
  const issues: InputIssue[] = [];
  const end = intervals * binMinutes;
  fills.forEach((f, i) => {
    if (typeof f.time !== 'number' || !Number.isFinite(f.time)) issues.push({ path: where(i, 'time'), message: 'must be a finite number (minutes since the open)' });
    else if (f.time < 0 || f.time >= end) issues.push({ path: where(i, 'time'), message: `must be in [0, ${end}) minutes since the open (got ${f.time})` });
    if (typeof f.size !== 'number' || !Number.isFinite(f.size) || f.size <= 0) issues.push({ path: where(i, 'size'), message: 'must be a number of shares > 0' });
    if (typeof f.slippageBps !== 'number' || !Number.isFinite(f.slippageBps)) issues.push({ path: where(i, 'slippageBps'), message: 'must be a finite number (bps)' });
  });
  if (fills.length === 0) issues.push({ path: where(0, 'time').replace(/\[0\].*$/, ''), message: 'needs at least one fill' });
  if (issues.length) throw new InputError(issues.slice(0, 50));
}

export function fitImpactModels(fills: readonly Fill[], settings: FitSettings = {}): ImpactFit {
  const N = settings.intervals ?? 390;
  const binMinutes = settings.binMinutes ?? 1;
  const minFills = settings.minFills ?? 3;
  validateFills(fills, N, binMinutes, settings.where);
  const binOf = (f: Fill) => Math.min(N - 1, Math.floor(f.time / binMinutes));

  // Per-bin sums for the through-origin fit, and for the centred R².
  const sxx = new Float64Array(N);
  const sxs = new Float64Array(N);
  const sss = new Float64Array(N);
  const ss = new Float64Array(N);
  const cnt = new Int32Array(N);
  for (const f of fills) {
    const b = binOf(f);
    sxx[b]! += f.size * f.size;
    sxs[b]! += f.size * f.slippageBps;
    sss[b]! += f.slippageBps * f.slippageBps;
    ss[b]! += f.slippageBps;
    cnt[b]! += 1;
  }
  const linBins: LinearBinFit[] = [];
  const beta = new Float64Array(N).fill(NaN);
  for (let b = 0; b < N; b++) {
    const n = cnt[b]!;
    const bt = sxx[b]! > 0 ? sxs[b]! / sxx[b]! : NaN;
    const ok = n >= minFills && bt > 0;
    // SSR = Σs² − 2βΣxs + β²Σx² = Σs² − β·Σxs at the LS β.
    const ssr = n > 0 ? Math.max(0, sss[b]! - bt * sxs[b]!) : NaN;
    const sst = n > 0 ? sss[b]! - (ss[b]! * ss[b]!) / n : NaN;
    if (ok) beta[b] = bt;
    linBins.push({
      bin: b,
      n,
      beta: bt,
      r2: n >= 2 && sst > 0 ? 1 - ssr / sst : null,
      residualStd: n >= 2 ? Math.sqrt(ssr / (n - 1)) : null,
      source: ok ? 'fit' : 'interpolated',
    });
  }
  let pXX = 0;
  let pXS = 0;
  let pSS = 0;
  let pS = 0;
  for (const f of fills) {
    pXX += f.size * f.size;
    pXS += f.size * f.slippageBps;
    pSS += f.slippageBps * f.slippageBps;
    pS += f.slippageBps;
  }
  const pooledBeta = pXS / pXX;
  const pSSR = Math.max(0, pSS - pooledBeta * pXS);
  const pSST = pSS - (pS * pS) / fills.length;
  const linearFitted = countFinite(beta);
  if (linearFitted === 0 && !(pooledBeta > 0)) {
    throw new InputError({ path: 'fills', message: 'slippage does not rise with size in any bin: no positive linear impact coefficient can be fitted' });
  }
  fillGaps(beta, pooledBeta);
  const linear: LinearFit = {
    beta: Array.from(beta),
    bins: linBins.map((b) => (b.source === 'fit' ? b : { ...b, beta: beta[b.bin]! })),
    pooled: {
      beta: pooledBeta,
      r2: fills.length >= 2 && pSST > 0 ? 1 - pSSR / pSST : null,
      residualStd: fills.length >= 2 ? Math.sqrt(pSSR / (fills.length - 1)) : null,
      n: fills.length,
    },
    fittedBins: linearFitted,
  };

  // Log-log with a bin fixed effect: slope from deviations about each bin's means.
  const lxSum = new Float64Array(N);
  const lsSum = new Float64Array(N);
  const pos = new Int32Array(N);
  let used = 0;
  for (const f of fills) {
    if (f.slippageBps <= 0) continue;
    const b = binOf(f);
    lxSum[b]! += Math.log(f.size);
    lsSum[b]! += Math.log(f.slippageBps);
    pos[b]! += 1;
    used++;
  }
  let num = 0;
  let den = 0;
  for (const f of fills) {
    if (f.slippageBps <= 0) continue;
    const b = binOf(f);
    const dx = Math.log(f.size) - lxSum[b]! / pos[b]!;
    const ds = Math.log(f.slippageBps) - lsSum[b]! / pos[b]!;
    num += dx * ds;
    den += dx * dx;
  }
  if (used === 0 || !(den > 0)) {
    throw new InputError({ path: 'fills', message: 'the power-law fit needs fills with positive slippage and different sizes within a bin' });
  }
  const rawExponent = num / den;
  const exponent = Math.min(1, Math.max(MIN_FITTED_EXPONENT, rawExponent));
  const logEta = new Float64Array(N).fill(NaN);
  for (let b = 0; b < N; b++) if (pos[b]! >= minFills) logEta[b] = (lsSum[b]! - exponent * lxSum[b]!) / pos[b]!;
  const powerFitted = countFinite(logEta);
  let pooledLogEta = 0;
  for (let b = 0; b < N; b++) pooledLogEta += lsSum[b]! - exponent * lxSum[b]!;
  fillGaps(logEta, pooledLogEta / used);
  // Goodness of fit in log space, against the grand mean.
  let meanLs = 0;
  for (let b = 0; b < N; b++) meanLs += lsSum[b]!;
  meanLs /= used;
  let ssr = 0;
  let sst = 0;
  for (const f of fills) {
    if (f.slippageBps <= 0) continue;
    const b = binOf(f);
    const ls = Math.log(f.slippageBps);
    const r = ls - logEta[b]! - exponent * Math.log(f.size);
    ssr += r * r;
    sst += (ls - meanLs) * (ls - meanLs);
  }
  const dof = used - powerFitted - 1;
  const powerLaw: PowerLawFit = {
    eta: Array.from(logEta, Math.exp),
    exponent,
    rawExponent,
    exponentClamped: exponent !== rawExponent,
    r2: sst > 0 ? 1 - ssr / sst : null,
    residualStd: dof > 0 ? Math.sqrt(ssr / dof) : null,
    n: used,
    excluded: fills.length - used,
    bins: Array.from({ length: N }, (_, b) => ({
      bin: b,
      n: pos[b]!,
      eta: Math.exp(logEta[b]!),
      source: pos[b]! >= minFills ? ('fit' as const) : ('interpolated' as const),
    })),
    fittedBins: powerFitted,
  };
  return { fills: fills.length, intervals: N, binMinutes, linear, powerLaw };
}

function countFinite(a: Float64Array): number {
  let c = 0;
  for (const v of a) if (Number.isFinite(v)) c++;
  return c;
}

/** NaN entries take the linear interpolation of their nearest finite neighbours (ends: the nearest). */
function fillGaps(a: Float64Array, fallback: number): void {
  const n = a.length;
  let prev = -1;
  for (let i = 0; i <= n; i++) {
    if (i < n && !Number.isFinite(a[i]!)) continue;
    // a[prev] and a[i] finite (or off the ends); fill prev+1 .. i−1.
    for (let j = prev + 1; j < i; j++) {
      if (prev < 0 && i >= n) a[j] = fallback;
      else if (prev < 0) a[j] = a[i]!;
      else if (i >= n) a[j] = a[prev]!;
      else a[j] = a[prev]! + ((a[i]! - a[prev]!) * (j - prev)) / (i - prev);
    }
    prev = i;
  }
}

/** The headline numbers of a fit (what the CLI prints and adds to its JSON as `fit`). */
export interface ImpactFitSummary {
  readonly fills: number;
  readonly intervals: number;
  readonly linear: {
    readonly fittedBins: number;
    readonly interpolatedBins: number;
    readonly pooledBeta: number;
    readonly medianR2: number | null;
    readonly medianResidualStd: number | null;
  };
  readonly powerLaw: {
    readonly exponent: number;
    readonly rawExponent: number;
    readonly exponentClamped: boolean;
    readonly r2: number | null;
    readonly residualStd: number | null;
    readonly n: number;
    readonly excluded: number;
    readonly fittedBins: number;
  };
}

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
};

export function summarizeImpactFit(fit: ImpactFit): ImpactFitSummary {
  const fitted = fit.linear.bins.filter((b) => b.source === 'fit');
  return {
    fills: fit.fills,
    intervals: fit.intervals,
    linear: {
      fittedBins: fit.linear.fittedBins,
      interpolatedBins: fit.intervals - fit.linear.fittedBins,
      pooledBeta: fit.linear.pooled.beta,
      medianR2: median(fitted.flatMap((b) => (b.r2 === null ? [] : [b.r2]))),
      medianResidualStd: median(fitted.flatMap((b) => (b.residualStd === null ? [] : [b.residualStd]))),
    },
    powerLaw: {
      exponent: fit.powerLaw.exponent,
      rawExponent: fit.powerLaw.rawExponent,
      exponentClamped: fit.powerLaw.exponentClamped,
      r2: fit.powerLaw.r2,
      residualStd: fit.powerLaw.residualStd,
      n: fit.powerLaw.n,
      excluded: fit.powerLaw.excluded,
      fittedBins: fit.powerLaw.fittedBins,
    },
  };
}
