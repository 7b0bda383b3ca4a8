import type { CscMatrix, QpProblem } from '../types.js';
import { Rng } from './rng.js';

export interface PortfolioQpSpec {
  /** Number of assets N. */
  readonly assets: number;
  /** Number of risk factors k (default 50). */
  readonly factors?: number;
  /** Number of sectors (default 10); each asset belongs to one. */
  readonly sectors?: number;
  readonly seed: number;
  /** Σ|xᵢ| ≤ gross (default 2: 100 % long, 100 % short). */
  readonly gross?: number;
  /** Σxᵢ = net (default 0: dollar neutral). */
  readonly net?: number;
  /** |Σ_{i∈sector} xᵢ| ≤ sectorCap (default 0.1). */
  readonly sectorCap?: number;
  /** Σ|xᵢ − x0ᵢ| ≤ turnover (default 0.5). */
  readonly turnover?: number;
  /** |xᵢ| ≤ maxWeight (default max(0.01, 5/N)). */
  readonly maxWeight?: number;
  /** |fⱼ| ≤ maxFactorExposure (default 0.2). */
  readonly maxFactorExposure?: number;
  /** γ in γ·(xᵀDx + fᵀFf) (default N/20, so the optimum keeps its character as N grows:
   * the unconstrained optimum μᵢ/(2γDᵢ) stays comparable to a position of size 1/N). */
  readonly riskAversion?: number;
  /** κ in κ·Σtᵢ, cost per unit of turnover (default 0.002). */
  readonly costPerTurnover?: number;
  /** η in η·Σ(xᵢ − x0ᵢ)², quadratic market-impact cost (default 0). */
  readonly impactCost?: number;
  /** Units of the weight variables: 1e4 (default) means basis points of NAV. */
  readonly weightUnit?: number;
  /** Units of the objective: 1e4 (default) means basis points of NAV. */
  readonly objectiveUnit?: number;
}

/** Where each block of variables and constraints sits in the generated QP. */
export interface PortfolioQpLayout {
  readonly assets: number;
  readonly factors: number;
  readonly sectors: number;
  /** x = weightUnit · (fraction of NAV). */
  readonly weightUnit: number;
  /** Variable offsets: x (weights), f = Bᵀx (factor exposures), t ≥ |x − x0|, s ≥ |x|. */
  readonly x: number;
  readonly f: number;
  readonly t: number;
  readonly s: number;
  /** Expected returns μ (q[x + i] = −μᵢ/weightUnit) and the current weights x0 (fractions). */
  readonly mu: Float64Array;
  readonly x0: Float64Array;
  /** Sector of each asset. */
  readonly sectorOf: Int32Array;
}

/**
 * A long/short factor-model portfolio in the sparse form (OSQP paper §7, "portfolio"), never
 * forming the dense N × N covariance BFBᵀ + D:
 *
 *   min  γ(xᵀDx + fᵀFf) − μᵀx + κ1ᵀt
 *   s.t. f = Bᵀx                    k factor rows
 *        1ᵀx = net                  budget
 *        |Σ_{i∈s} xᵢ| ≤ sectorCap    one row per sector
 *        t ≥ x − x0, t ≥ x0 − x, 1ᵀt ≤ turnover
 *        s ≥ x, s ≥ −x, 1ᵀs ≤ gross
 *        |xᵢ| ≤ maxWeight, |fⱼ| ≤ maxFactorExposure
 *
 * in fractions of NAV w, over (w, f, t, s): n = 3N + k, m = 5N + 2k + sectors + 3. B is
 * dense N × k (every asset loads on every factor), F = GGᵀ/k + diag, D diagonal; x0 is
 * feasible, so every instance is.
 *
 * Units, because OSQP-type tolerances are absolute and ∞-norm relative: the variables are
 * x = weightUnit·w (default basis points), the objective is in objectiveUnit (default basis
 * points of NAV), and the aggregate rows are averages (1/N)Σ, so each row lives on the scale
 * of one position. With weights as fractions and Σ-rows, tolerance 1e-3 lets every position
 * limit be violated by 0.2 % of NAV and the objective be off by tens of per cent.
 */
export function generatePortfolioQp(spec: PortfolioQpSpec): { problem: QpProblem; layout: PortfolioQpLayout } {
  const N = spec.assets;
  const k = spec.factors ?? 50;
  const S = spec.sectors ?? 10;
  const gross = spec.gross ?? 2;
  const net = spec.net ?? 0;
  const sectorCap = spec.sectorCap ?? 0.1;
  const turnover = spec.turnover ?? 0.5;
  const maxWeight = spec.maxWeight ?? Math.max(0.01, 5 / N);
  const maxFactor = spec.maxFactorExposure ?? 0.2;
  const gamma = spec.riskAversion ?? N / 20;
  const kappa = spec.costPerTurnover ?? 0.002;
  const eta = spec.impactCost ?? 0;
  const W = spec.weightUnit ?? 1e4;
  const U = spec.objectiveUnit ?? 1e4;
  if (!(Number.isInteger(N) && N >= 1 && Number.isInteger(k) && k >= 1 && Number.isInteger(S) && S >= 1)) {
    throw new Error('generatePortfolioQp: assets, factors and sectors must be positive integers');
  }
  const rng = new Rng(spec.seed);

  // Market data.
  const B = new Float64Array(N * k); // row-major: asset i, factor j
  for (let i = 0; i < N * k; i++) B[i] = rng.normal() * (i % k === 0 ? 1 : 0.3);
  const G = Float64Array.from({ length: k * k }, () => rng.normal() * 0.1);
  const F = new Float64Array(k * k); // factor covariance, annual
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let v = 0;
      for (let c = 0; c < k; c++) v += G[a * k + c]! * G[b * k + c]!;
      F[a * k + b] = v / k + (a === b ? 0.0004 : 0);
    }
  }
  const D = Float64Array.from({ length: N }, () => rng.uniform(0.1, 0.4) ** 2);
  const mu = Float64Array.from({ length: N }, () => 0.03 * rng.normal());
  const sectorOf = Int32Array.from({ length: N }, () => rng.int(S));

  // A feasible current portfolio: random, demeaned within sectors, scaled into the limits.
  const x0 = Float64Array.from({ length: N }, () => rng.uniform(-1, 1));
  const sum = new Float64Array(S);
  const cnt = new Float64Array(S);
  for (let i = 0; i < N; i++) {
    sum[sectorOf[i]!]! += x0[i]!;
    cnt[sectorOf[i]!]!++;
  }
  let g = 0;
  for (let i = 0; i < N; i++) {
    x0[i] = x0[i]! - sum[sectorOf[i]!]! / cnt[sectorOf[i]!]!;
    g += Math.abs(x0[i]!);
  }
  let mx = 0;
  for (let i = 0; i < N; i++) mx = Math.max(mx, Math.abs(x0[i]!));
  let scale = Math.min((0.5 * gross) / Math.max(g, 1e-12), (0.5 * maxWeight) / Math.max(mx, 1e-12));
  // Factor exposures of x0 must respect their bounds too.
  for (let j = 0; j < k; j++) {
    let e = 0;
    for (let i = 0; i < N; i++) e += B[i * k + j]! * x0[i]!;
    if (Math.abs(e) * scale > 0.5 * maxFactor) scale = (0.5 * maxFactor) / Math.abs(e);
  }
  for (let i = 0; i < N; i++) x0[i] = x0[i]! * scale + net / N;

  // Layout.
  const [xo, fo, to, so] = [0, N, N + k, 2 * N + k];
  const n = 3 * N + k;
  const rBud = k;
  const rSec = k + 1;
  const rTov = rSec + S;
  const rTsum = rTov + 2 * N;
  const rGro = rTsum + 1;
  const rGsum = rGro + 2 * N;
  const rBox = rGsum + 1;
  const rFbox = rBox + N;
  const m = rFbox + k;

  // A, column by column with ascending rows. Weights are x = W·w (W = weightUnit) and the
  // aggregate rows are averages (1/N)·Σ, so every row lives on the scale of one position:
  // OSQP's tolerances are ∞-norms relative to the largest row, and a row like Σ|w| ≤ 2 would
  // otherwise let every position limit be violated by eps_rel·2.
  const invN = 1 / N;
  const nnzA = N * (k + 7) + 2 * k + 3 * N + 3 * N;
  const colPtr = new Int32Array(n + 1);
  const rowIdx = new Int32Array(nnzA);
  const values = new Float64Array(nnzA);
  let p = 0;
  const put = (r: number, v: number) => {
    rowIdx[p] = r;
    values[p++] = v;
  };
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < k; j++) put(j, B[i * k + j]! / W);
    put(rBud, invN);
    put(rSec + sectorOf[i]!, invN);
    put(rTov + 2 * i, -1);
    put(rTov + 2 * i + 1, 1);
    put(rGro + 2 * i, -1);
    put(rGro + 2 * i + 1, 1);
    put(rBox + i, 1);
    colPtr[xo + i + 1] = p;
  }
  for (let j = 0; j < k; j++) {
    put(j, -1);
    put(rFbox + j, 1);
    colPtr[fo + j + 1] = p;
  }
  for (let i = 0; i < N; i++) {
    put(rTov + 2 * i, 1);
    put(rTov + 2 * i + 1, 1);
    put(rTsum, invN);
    colPtr[to + i + 1] = p;
  }
  for (let i = 0; i < N; i++) {
    put(rGro + 2 * i, 1);
    put(rGro + 2 * i + 1, 1);
    put(rGsum, invN);
    colPtr[so + i + 1] = p;
  }
  const A: CscMatrix = { nRows: m, nCols: n, colPtr, rowIdx: rowIdx.subarray(0, p), values: values.subarray(0, p) };

  const l = new Float64Array(m);
  const u = new Float64Array(m);
  // Factor rows: Bᵀx/W − f = 0 (l = u = 0, already).
  l[rBud] = u[rBud] = (W * net) / N;
  for (let s = 0; s < S; s++) {
    l[rSec + s] = (-W * sectorCap) / N;
    u[rSec + s] = (W * sectorCap) / N;
  }
  for (let i = 0; i < N; i++) {
    l[rTov + 2 * i] = -W * x0[i]!; // t − x ≥ −x0
    u[rTov + 2 * i] = Infinity;
    l[rTov + 2 * i + 1] = W * x0[i]!; // t + x ≥ x0
    u[rTov + 2 * i + 1] = Infinity;
    l[rGro + 2 * i] = 0; // s − x ≥ 0
    u[rGro + 2 * i] = Infinity;
    l[rGro + 2 * i + 1] = 0; // s + x ≥ 0
    u[rGro + 2 * i + 1] = Infinity;
    l[rBox + i] = -W * maxWeight;
    u[rBox + i] = W * maxWeight;
  }
  l[rTsum] = -Infinity;
  u[rTsum] = (W * turnover) / N;
  l[rGsum] = -Infinity;
  u[rGsum] = (W * gross) / N;
  for (let j = 0; j < k; j++) {
    l[rFbox + j] = -maxFactor;
    u[rFbox + j] = maxFactor;
  }

  // P = blockdiag(2(γD + η)/W², 2γF, 0, 0), upper triangle.
  const pCol = new Int32Array(n + 1);
  const pRow: number[] = [];
  const pVal: number[] = [];
  for (let i = 0; i < N; i++) {
    pRow.push(xo + i);
    pVal.push((2 * U * (gamma * D[i]! + eta)) / (W * W));
    pCol[xo + i + 1] = pRow.length;
  }
  for (let b = 0; b < k; b++) {
    for (let a = 0; a <= b; a++) {
      pRow.push(fo + a);
      pVal.push(2 * U * gamma * F[a * k + b]!);
    }
    pCol[fo + b + 1] = pRow.length;
  }
  for (let c = to + 1; c <= n; c++) pCol[c] = pRow.length;
  const P: CscMatrix = { nRows: n, nCols: n, colPtr: pCol, rowIdx: Int32Array.from(pRow), values: Float64Array.from(pVal) };

  const q = new Float64Array(n);
  for (let i = 0; i < N; i++) {
    q[xo + i] = (U * (-mu[i]! - 2 * eta * x0[i]!)) / W;
    q[to + i] = (U * kappa) / W;
  }
  return {
    problem: { n, m, P, q, A, l, u },
    layout: { assets: N, factors: k, sectors: S, weightUnit: W, x: xo, f: fo, t: to, s: so, mu, x0, sectorOf },
  };
}
