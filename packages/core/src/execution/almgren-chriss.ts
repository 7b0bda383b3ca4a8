/**
 * Almgren & Chriss, "Optimal execution of portfolio transactions", J. Risk 3 (2000).
 *
 * X shares are worked over N periods of length τ (T = Nτ); x_k are the holdings still to trade
 * after period k (x_0 = X, x_N = 0) and n_k = x_{k−1} − x_k the shares traded in period k.
 * With linear permanent impact γ and temporary impact ε·sgn(n) + η·n/τ:
 *   E = ½γX² + ε Σ|n_k| + (η̃/τ) Σ n_k²,  η̃ = η − γτ/2,
 *   V = σ² τ Σ_{k=1}^{N} x_k²,
 * and the mean–variance optimum of E + λV is x_j = sinh(κ(T − t_j)) / sinh(κT) · X with
 * cosh(κτ) = 1 + κ̃²τ²/2, κ̃² = λσ²/η̃ (the paper's eq. for the discrete problem, exact there).
 */
export interface AlmgrenChrissParams {
  readonly sigma: number;
  readonly eta: number;
  readonly gamma: number;
  readonly epsilon: number;
  readonly lambda: number;
  readonly tau: number;
}

export interface AlmgrenChrissConstants {
  readonly etaTilde: number;
  readonly kappaTilde: number;
  readonly kappa: number;
}

export function almgrenChrissConstants(p: AlmgrenChrissParams): AlmgrenChrissConstants {
  const etaTilde = p.eta - (p.gamma * p.tau) / 2;
  const kappaTilde = Math.sqrt((p.lambda * p.sigma * p.sigma) / etaTilde);
  // cosh(κτ) = 1 + κ̃²τ²/2 ⇔ sinh(κτ/2) = κ̃τ/2; the asinh form keeps full precision when κ̃τ is
  // small, where 1 + κ̃²τ²/2 would round to 1.
  const kappa = (2 / p.tau) * Math.asinh((kappaTilde * p.tau) / 2);
  return { etaTilde, kappaTilde, kappa };
}

export interface AlmgrenChrissTrajectory {
  /** n_k, k = 1..N (index k−1). */
  readonly trades: Float64Array;
  /** x_k, k = 0..N. */
  readonly holdings: Float64Array;
}

/**
 * The closed-form optimal trajectory for N periods. Trades come from the paper's own formula
 * n_j = 2 sinh(κτ/2)/sinh(κT) · cosh(κ(T − t_{j−½})) · X rather than differences of holdings,
 * which would cancel digits late in the schedule. λ = 0 (κ = 0) is the straight line.
 */
export function almgrenChrissTrajectory(p: AlmgrenChrissParams, total: number, periods: number): AlmgrenChrissTrajectory {
  const { kappa } = almgrenChrissConstants(p);
  const trades = new Float64Array(periods);
  const holdings = new Float64Array(periods + 1);
  if (kappa === 0) {
    for (let j = 0; j <= periods; j++) holdings[j] = (total * (periods - j)) / periods;
    trades.fill(total / periods);
    return { trades, holdings };
  }
  // With h = κτ: sinh(h(N−j))/sinh(hN) = e^{−hj}·(1 − e^{−2h(N−j)})/(1 − e^{−2hN}) and
  // cosh(h(N−j+½))/sinh(hN) = e^{−h(j−½)}·(1 + e^{−2h(N−j+½)})/(1 − e^{−2hN}): the exponents
  // are formed from j directly, so nothing overflows and no digits cancel when κT is large.
  const h = kappa * p.tau;
  const denom = -Math.expm1(-2 * h * periods);
  for (let j = 0; j <= periods; j++) holdings[j] = ((Math.exp(-h * j) * -Math.expm1(-2 * h * (periods - j))) / denom) * total;
  const twoSinhHalf = 2 * Math.sinh(h / 2);
  for (let j = 1; j <= periods; j++) {
    trades[j - 1] = ((twoSinhHalf * Math.exp(-h * (j - 0.5)) * (1 + Math.exp(-2 * h * (periods - j + 0.5)))) / denom) * total;
  }
  return { trades, holdings };
}

export interface AlmgrenChrissMoments {
  readonly expectedCost: number;
  readonly variance: number;
  /** E + λ·V. */
  readonly cost: number;
}

/**
 * E, V and E + λV of any trade list n (Σn = X is the order size). Holdings are suffix sums of
 * the trades, so x_N = 0 exactly.
 */
export function evaluateAlmgrenChriss(p: AlmgrenChrissParams, trades: ArrayLike<number>): AlmgrenChrissMoments {
  const etaTilde = p.eta - (p.gamma * p.tau) / 2;
  const n = trades.length;
  let X = 0;
  let absSum = 0;
  let sqSum = 0;
  let holdSq = 0;
  // Walk backwards: after period k the holdings are Σ_{j>k} n_j.
  let hold = 0;
  for (let k = n - 1; k >= 0; k--) {
    const v = trades[k]!;
    holdSq += hold * hold; // hold = Σ_{j>k} n_j, the holdings after this period (x_N = 0 first)
    hold += v;
    X += v;
    absSum += Math.abs(v);
    sqSum += v * v;
  }
  const expectedCost = 0.5 * p.gamma * X * X + p.epsilon * absSum + (etaTilde / p.tau) * sqSum;
  const variance = p.sigma * p.sigma * p.tau * holdSq;
  return { expectedCost, variance, cost: expectedCost + p.lambda * variance };
}

/**
 * ∂(E + λV)/∂n_j for n ≥ 0: γX + ε + 2(η̃/τ)n_j + 2λσ²τ Σ_{k<j} x_k (holdings as suffix sums, so
 * n_j moves every x_k with k < j).
 */
export function almgrenChrissGradient(p: AlmgrenChrissParams, trades: ArrayLike<number>): Float64Array {
  const etaTilde = p.eta - (p.gamma * p.tau) / 2;
  const n = trades.length;
  const holdings = new Float64Array(n + 1);
  for (let k = n - 1; k >= 0; k--) holdings[k] = holdings[k + 1]! + trades[k]!;
  const X = holdings[0]!;
  const g = new Float64Array(n);
  let prefix = 0; // Σ_{k=1}^{j−1} x_k
  for (let j = 1; j <= n; j++) {
    g[j - 1] = p.gamma * X + p.epsilon + ((2 * etaTilde) / p.tau) * trades[j - 1]! + 2 * p.lambda * p.sigma * p.sigma * p.tau * prefix;
    prefix += holdings[j]!;
  }
  return g;
}

/** The paper's closed forms of E and V at the optimal trajectory (κ > 0). */
export function almgrenChrissClosedFormMoments(p: AlmgrenChrissParams, total: number, periods: number): AlmgrenChrissMoments {
  const { etaTilde, kappa } = almgrenChrissConstants(p);
  const tau = p.tau;
  const T = periods * tau;
  const X = total;
  const sinhKT = Math.sinh(kappa * T);
  const expectedCost =
    0.5 * p.gamma * X * X +
    p.epsilon * X +
    (etaTilde * X * X * Math.tanh(0.5 * kappa * tau) * (tau * Math.sinh(2 * kappa * T) + 2 * T * Math.sinh(kappa * tau))) /
      (2 * tau * tau * sinhKT * sinhKT);
  const variance =
    (0.5 * p.sigma * p.sigma * X * X * (tau * sinhKT * Math.cosh(kappa * (T - tau)) - T * Math.sinh(kappa * tau))) /
    (sinhKT * sinhKT * Math.sinh(kappa * tau));
  return { expectedCost, variance, cost: expectedCost + p.lambda * variance };
}
