/**
 * The risk model Σ of the QP rebalancer, dense and row-major (n × n Float64Array).
 *
 * Sources, in order: a covariance; a correlation scaled by the names' vols (Σ = D C D);
 * a return history (sample covariance); else the diagonal of vols². Ledoit–Wolf shrinkage
 * (both 2004 targets) is available:
 *  - `constant_correlation`: Ledoit & Wolf (2004), "Honey, I shrunk the sample covariance
 *    matrix", J. Portfolio Management 30(4). Target F: fᵢᵢ = sᵢᵢ, fᵢⱼ = r̄ √(sᵢᵢ sⱼⱼ) with r̄ the
 *    average sample correlation; optimal intensity δ* = max(0, min(1, κ/T)), κ = (π − ρ)/γ.
 *  - `identity`: Ledoit & Wolf (2004), "A well-conditioned estimator for large-dimensional
 *    covariance matrices", J. Multivariate Analysis 88(2). Target m·I, m = tr(S)/n;
 *    δ* = b²/d² with d² = ‖S − mI‖², b² = min(d², T⁻² Σₜ ‖xₜxₜᵀ − S‖²), ‖A‖² = tr(AAᵀ)/n.
 * Both use the 1/T sample covariance of demeaned returns, as the papers do. Without returns, a
 * fixed intensity (`shrinkage_intensity`) shrinks the given matrix toward the same targets.
 */

export type ShrinkageTarget = 'constant_correlation' | 'identity';

export interface ShrinkageInfo {
  readonly target: ShrinkageTarget;
  /** δ in Σ̂ = δ F + (1 − δ) S. */
  readonly intensity: number;
  /** True when δ came from the Ledoit–Wolf formula, false when given. */
  readonly estimated: boolean;
}

/** Cholesky of A + εI in place of a copy; returns the first failing pivot or −1 (PSD within ε). */
export function firstNonPsdPivot(a: Float64Array, n: number, relTol = 1e-10): { pivot: number; value: number } | null {
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, Math.abs(a[i * n + i] as number));
  const eps = relTol * Math.max(1, n) * Math.max(maxDiag, 1e-300);
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    let d = (a[rowJ + j] as number) + eps;
    for (let k = 0; k < j; k++) d -= (l[rowJ + k] as number) ** 2;
    if (!(d > 0)) return { pivot: j, value: d - eps };
    const ljj = Math.sqrt(d);
    l[rowJ + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let s = a[rowI + j] as number;
      for (let k = 0; k < j; k++) s -= (l[rowI + k] as number) * (l[rowJ + k] as number);
      l[rowI + j] = s / ljj;
    }
  }
  return null;
}

export function covarianceFromCorrelation(corr: Float64Array, vols: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const vi = vols[i] as number;
    for (let j = 0; j < n; j++) out[i * n + j] = vi * (corr[i * n + j] as number) * (vols[j] as number);
  }
  return out;
}

/** Demeaned returns (T × n) and their 1/T sample covariance. */
export function sampleCovariance(returns: Float64Array, t: number, n: number): { x: Float64Array; s: Float64Array } {
  const x = new Float64Array(returns);
  for (let j = 0; j < n; j++) {
    let m = 0;
    for (let r = 0; r < t; r++) m += x[r * n + j] as number;
    m /= t;
    for (let r = 0; r < t; r++) x[r * n + j] = (x[r * n + j] as number) - m;
  }
  const s = new Float64Array(n * n);
  for (let r = 0; r < t; r++) {
    const row = r * n;
    for (let i = 0; i < n; i++) {
      const xi = x[row + i] as number;
      if (xi === 0) continue;
      for (let j = i; j < n; j++) s[i * n + j] = (s[i * n + j] as number) + xi * (x[row + j] as number);
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = (s[i * n + j] as number) / t;
      s[i * n + j] = v;
      s[j * n + i] = v;
    }
  }
  return { x, s };
}

function averageCorrelation(s: Float64Array, n: number): number {
  if (n < 2) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = Math.sqrt((s[i * n + i] as number) * (s[j * n + j] as number));
      sum += d > 0 ? (s[i * n + j] as number) / d : 0;
    }
  }
  return (2 * sum) / (n * (n - 1));
}

/** The shrinkage target F of S. */
export function shrinkageTarget(s: Float64Array, n: number, target: ShrinkageTarget): Float64Array {
  const f = new Float64Array(n * n);
  if (target === 'identity') {
    let m = 0;
    for (let i = 0; i < n; i++) m += s[i * n + i] as number;
    m /= n;
    for (let i = 0; i < n; i++) f[i * n + i] = m;
    return f;
  }
  const rBar = averageCorrelation(s, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      f[i * n + j] = i === j ? (s[i * n + i] as number) : rBar * Math.sqrt((s[i * n + i] as number) * (s[j * n + j] as number));
    }
  }
  return f;
}

export function blend(f: Float64Array, s: Float64Array, delta: number): Float64Array {
  const out = new Float64Array(s.length);
  for (let k = 0; k < s.length; k++) out[k] = delta * (f[k] as number) + (1 - delta) * (s[k] as number);
  return out;
}

/** Ledoit–Wolf optimal intensity for returns x (demeaned, T × n) with sample covariance s. */
export function ledoitWolfIntensity(x: Float64Array, s: Float64Array, t: number, n: number, target: ShrinkageTarget): number {
  const f = shrinkageTarget(s, n, target);
  // π = Σᵢⱼ πᵢⱼ, πᵢⱼ = (1/T) Σₜ (xₜᵢxₜⱼ − sᵢⱼ)²: the estimation noise of S.
  let pi = 0;
  for (let r = 0; r < t; r++) {
    const row = r * n;
    for (let i = 0; i < n; i++) {
      const xi = x[row + i] as number;
      for (let j = 0; j < n; j++) pi += (xi * (x[row + j] as number) - (s[i * n + j] as number)) ** 2;
    }
  }
  pi /= t;
  if (target === 'identity') {
    // Normalised Frobenius norms (÷ n), as in the JMA paper.
    let d2 = 0;
    for (let k = 0; k < s.length; k++) d2 += ((s[k] as number) - (f[k] as number)) ** 2;
    d2 /= n;
    if (d2 <= 0) return 1;
    const b2bar = pi / (t * n);
    return Math.min(b2bar, d2) / d2;
  }
  // γ = ‖F − S‖²_F (the target's misspecification).
  let gamma = 0;
  for (let k = 0; k < s.length; k++) gamma += ((f[k] as number) - (s[k] as number)) ** 2;
  if (gamma <= 0) return 1;
  // ρ = Σᵢ πᵢᵢ + Σ_{i≠j} (r̄/2)(√(sⱼⱼ/sᵢᵢ) θᵢᵢ,ᵢⱼ + √(sᵢᵢ/sⱼⱼ) θⱼⱼ,ᵢⱼ),
  // θᵢᵢ,ᵢⱼ = (1/T) Σₜ (xₜᵢ² − sᵢᵢ)(xₜᵢxₜⱼ − sᵢⱼ).
  const rBar = averageCorrelation(s, n);
  let rho = 0;
  const theta = new Float64Array(n * n); // theta[i*n+j] = θᵢᵢ,ᵢⱼ
  for (let r = 0; r < t; r++) {
    const row = r * n;
    for (let i = 0; i < n; i++) {
      const xi = x[row + i] as number;
      const a = xi * xi - (s[i * n + i] as number);
      for (let j = 0; j < n; j++) theta[i * n + j] = (theta[i * n + j] as number) + a * (xi * (x[row + j] as number) - (s[i * n + j] as number));
    }
  }
  for (let i = 0; i < n; i++) {
    rho += (theta[i * n + i] as number) / t; // πᵢᵢ = θᵢᵢ,ᵢᵢ
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const sii = s[i * n + i] as number;
      const sjj = s[j * n + j] as number;
      if (!(sii > 0 && sjj > 0)) continue;
      rho += (rBar / 2) * (Math.sqrt(sjj / sii) * (theta[i * n + j] as number) + Math.sqrt(sii / sjj) * (theta[j * n + i] as number)) / t;
    }
  }
  const kappa = (pi - rho) / gamma;
  return Math.max(0, Math.min(1, kappa / t));
}

export interface RiskModelSpec {
  readonly n: number;
  readonly covariance?: Float64Array;
  readonly correlation?: Float64Array;
  readonly vols?: ArrayLike<number | undefined>;
  readonly returns?: { readonly rows: number; readonly data: Float64Array };
  readonly shrinkage: 'none' | ShrinkageTarget;
  readonly intensity?: number;
}

export interface RiskModel {
  readonly sigma: Float64Array;
  readonly source: 'covariance' | 'correlation' | 'returns' | 'diagonal';
  readonly shrinkage?: ShrinkageInfo;
  /**
   * The same Σ, exactly, in factor form, when it has one: from returns, S = X̃ᵀX̃/T is rank ≤ T
   * (k = T factors, the demeaned return rows); the identity target adds δm to D; the
   * constant-correlation target r̄σσᵀ + diag((1 − r̄)sᵢᵢ) adds one factor (when r̄ ≥ 0, so that
   * F stays PSD). The QP uses it when k is small next to n.
   */
  readonly factorForm?: FactorRisk;
}

/** Σ̂ = δ·target + (1 − δ)·X̃ᵀX̃/T in factor form (see RiskModel.factorForm); undefined when not PSD-representable. */
function returnsFactorForm(x: Float64Array, t: number, n: number, s: Float64Array, shrink?: { target: ShrinkageTarget; intensity: number }): FactorRisk | undefined {
  const delta = shrink?.intensity ?? 0;
  const extra = shrink?.target === 'constant_correlation' && delta > 0 ? 1 : 0;
  const rBar = extra ? averageCorrelation(s, n) : 0;
  if (extra && rBar < 0) return undefined;
  const k = t + extra;
  const loadings = new Float64Array(n * k);
  const scale = Math.sqrt((1 - delta) / t);
  for (let r = 0; r < t; r++) for (let i = 0; i < n; i++) loadings[i * k + r] = scale * x[r * n + i]!;
  const covariance = new Float64Array(k * k);
  for (let a = 0; a < t; a++) covariance[a * k + a] = 1;
  const specificVariance = new Float64Array(n);
  if (shrink?.target === 'identity') {
    let m = 0;
    for (let i = 0; i < n; i++) m += s[i * n + i]!;
    specificVariance.fill((delta * m) / n);
  } else if (extra) {
    for (let i = 0; i < n; i++) {
      loadings[i * k + t] = Math.sqrt(s[i * n + i]!);
      specificVariance[i] = delta * (1 - rBar) * s[i * n + i]!;
    }
    covariance[t * k + t] = delta * rBar;
  }
  const factors = Array.from({ length: k }, (_, a) => (a < t ? `return[${a}]` : 'constant_correlation'));
  return { kind: 'factor', factors, loadings, covariance, specificVariance };
}

/** Σ from the request's risk inputs (validated upstream: shapes, symmetry, PSD, vols present). */
export function buildRiskModel(spec: RiskModelSpec): RiskModel {
  const { n } = spec;
  let sigma: Float64Array;
  let source: RiskModel['source'];
  let x: Float64Array | undefined;
  if (spec.covariance) {
    sigma = spec.covariance;
    source = 'covariance';
  } else if (spec.correlation) {
    sigma = covarianceFromCorrelation(spec.correlation, Array.from({ length: n }, (_, i) => spec.vols?.[i] ?? 0), n);
    source = 'correlation';
  } else if (spec.returns) {
    const sc = sampleCovariance(spec.returns.data, spec.returns.rows, n);
    sigma = sc.s;
    x = sc.x;
    source = 'returns';
  } else {
    sigma = new Float64Array(n * n);
    for (let i = 0; i < n; i++) sigma[i * n + i] = (spec.vols?.[i] ?? 0) ** 2;
    source = 'diagonal';
  }
  const rows = spec.returns?.rows ?? 0;
  if (spec.shrinkage === 'none') return { sigma, source, ...(x ? { factorForm: returnsFactorForm(x, rows, n, sigma)! } : {}) };
  let intensity = spec.intensity;
  let estimated = false;
  if (intensity === undefined) {
    // Validation guarantees returns here; the intensity is estimated on them and applied to Σ.
    const sc = x && source === 'returns' ? { x, s: sigma } : sampleCovariance(spec.returns!.data, spec.returns!.rows, n);
    intensity = ledoitWolfIntensity(sc.x, sc.s, spec.returns!.rows, n, spec.shrinkage);
    estimated = true;
  }
  const shrunk = blend(shrinkageTarget(sigma, n, spec.shrinkage), sigma, intensity);
  const factorForm = x ? returnsFactorForm(x, rows, n, sigma, { target: spec.shrinkage, intensity }) : undefined;
  return { sigma: shrunk, source, shrinkage: { target: spec.shrinkage, intensity, estimated }, ...(factorForm ? { factorForm } : {}) };
}

/**
 * A factor risk model, Σ = B F Bᵀ + diag(d), in the units of the dense Σ (annualised variance of
 * weight-unit returns). B is n × k (names × factors, universe order), F is k × k and PSD, d ≥ 0.
 * The QP keeps it in this form (k auxiliary variables f = Bᵀw), so P stays sparse at any n.
 */
export interface FactorRisk {
  readonly kind: 'factor';
  readonly factors: readonly string[];
  /** n × k, row-major (row i = name i's loadings). */
  readonly loadings: Float64Array;
  /** k × k, row-major, symmetric PSD. */
  readonly covariance: Float64Array;
  /** n specific (idiosyncratic) variances. */
  readonly specificVariance: Float64Array;
}

export const factorCount = (f: FactorRisk): number => f.factors.length;

/** Σ = B F Bᵀ + diag(d) written out densely (n × n row-major): for comparisons and small n. */
export function denseFromFactorRisk(f: FactorRisk): Float64Array {
  const k = f.factors.length;
  const n = f.specificVariance.length;
  const { loadings: B, covariance: F } = f;
  // BF once (n × k), then Σᵢⱼ = (BF)ᵢ · Bⱼ.
  const bf = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let a = 0; a < k; a++) s += B[i * k + a]! * F[a * k + b]!;
      bf[i * k + b] = s;
    }
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let b = 0; b < k; b++) s += bf[i * k + b]! * B[j * k + b]!;
      if (i === j) s += f.specificVariance[i]!;
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/**
 * wᵀΣw for a dense Σ (row-major) or a factor model, computed from w alone: for the factor
 * model as (Bᵀw)ᵀ F (Bᵀw) + Σ dᵢwᵢ², never from the solver's f variables.
 */
export function riskQuadratic(risk: Float64Array | FactorRisk, w: ArrayLike<number>): number {
  if (risk instanceof Float64Array) {
    const n = w.length;
    let quad = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i]!;
      if (wi === 0) continue;
      let row = 0;
      for (let j = 0; j < n; j++) row += risk[i * n + j]! * w[j]!;
      quad += wi * row;
    }
    return quad;
  }
  const k = risk.factors.length;
  const n = risk.specificVariance.length;
  const x = new Float64Array(k);
  let quad = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    quad += risk.specificVariance[i]! * wi * wi;
    for (let a = 0; a < k; a++) x[a] = x[a]! + risk.loadings[i * k + a]! * wi;
  }
  for (let a = 0; a < k; a++) {
    let row = 0;
    for (let b = 0; b < k; b++) row += risk.covariance[a * k + b]! * x[b]!;
    quad += x[a]! * row;
  }
  return quad;
}
