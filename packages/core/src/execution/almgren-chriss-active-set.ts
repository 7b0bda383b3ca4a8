import { almgrenChrissConstants, almgrenChrissGradient, type AlmgrenChrissParams } from './almgren-chriss.js';

/** Per period: 0 = n_k free, +1 = n_k held at its cap, −1 = n_k held at 0 (no short sale). */
export type BoundState = Int8Array;

/**
 * Exact minimiser of E + λV when the periods in `state` are held at a bound and the others are
 * free. Fixing n_k = v chains x_k = x_{k−1} − v, so the holdings fall into groups of consecutive
 * periods, each an offset copy of one unknown y_g; adjacent groups are coupled by the one free
 * trade between them. Setting the gradient in y to zero gives, with q = κ̃²τ² = λσ²τ²/η̃,
 *   (q·m_g + 2)·y_g − y_{g−1} − y_{g+1} = q·O_g + e_g − e_{g−1}
 * (m_g: holdings of the group counted in V, O_g: the sum of their offsets, e_g: the offset of its
 * last holding), with y_0 = X and the last group pinned by x_N = 0: a symmetric positive definite
 * tridiagonal system, solved by the Thomas algorithm in O(N).
 * Returns the trades, or null when the fixed trades alone contradict Σn = X.
 */
export function solveAlmgrenChrissOnActiveSet(
  p: AlmgrenChrissParams,
  total: number,
  caps: Float64Array,
  state: BoundState,
): Float64Array | null {
  const N = caps.length;
  const { etaTilde } = almgrenChrissConstants(p);
  const q = (p.lambda * p.sigma * p.sigma * p.tau * p.tau) / etaTilde;
  const fixedValue = (k: number): number => (state[k - 1]! > 0 ? caps[k - 1]! : 0);

  // Group every holding x_0..x_N; offset[k] = y_{group(k)} − x_k.
  const group = new Int32Array(N + 1);
  const offset = new Float64Array(N + 1);
  let G = 1;
  for (let k = 1; k <= N; k++) {
    if (state[k - 1] === 0) {
      group[k] = G++;
      offset[k] = 0;
    } else {
      group[k] = group[k - 1]!;
      offset[k] = offset[k - 1]! + fixedValue(k);
    }
  }
  const trades = new Float64Array(N);
  if (G === 1) {
    // Every trade fixed: consistent only if they add up to the order.
    let s = 0;
    for (let k = 1; k <= N; k++) s += fixedValue(k);
    if (Math.abs(s - total) > 1e-9 * Math.max(1, total)) return null;
    for (let k = 1; k <= N; k++) trades[k - 1] = fixedValue(k);
    return trades;
  }
  const m = new Float64Array(G);
  const O = new Float64Array(G);
  const e = new Float64Array(G);
  for (let k = 1; k <= N - 1; k++) {
    m[group[k]!]! += 1;
    O[group[k]!]! += offset[k]!;
  }
  for (let k = 0; k <= N; k++) e[group[k]!] = offset[k]!; // the last member wins
  const y = new Float64Array(G);
  y[0] = total;
  y[G - 1] = offset[N]!; // x_N = y_{G−1} − offset_N = 0

  // Unknowns y_1..y_{G−2}: Thomas algorithm on diag d_g, off-diagonals −1.
  const u = G - 2;
  if (u > 0) {
    const cPrime = new Float64Array(u);
    const dPrime = new Float64Array(u);
    for (let i = 0; i < u; i++) {
      const g = i + 1;
      const diag = q * m[g]! + 2;
      let rhs = q * O[g]! + e[g]! - e[g - 1]!;
      if (g === 1) rhs += y[0]!;
      if (g === G - 2) rhs += y[G - 1]!;
      const denom = i === 0 ? diag : diag + cPrime[i - 1]!; // diag − (−1)·c′
      cPrime[i] = -1 / denom;
      dPrime[i] = (rhs + (i === 0 ? 0 : dPrime[i - 1]!)) / denom;
    }
    y[u] = dPrime[u - 1]!;
    for (let i = u - 2; i >= 0; i--) y[i + 1] = dPrime[i]! - cPrime[i]! * y[i + 2]!;
  }

  let prev = total;
  for (let k = 1; k <= N; k++) {
    const xk = k === N ? 0 : y[group[k]!]! - offset[k]!;
    trades[k - 1] = state[k - 1] === 0 ? prev - xk : fixedValue(k);
    prev = xk;
  }
  return trades;
}

export interface ActiveSetOutcome {
  readonly trades: Float64Array;
  readonly rounds: number;
}

/**
 * Primal–dual active-set iterations on the capped, no-short-sale Almgren–Chriss problem, started
 * from a guess (the QP solver's answer, or the clipped closed form). Each round solves the
 * equality-constrained problem exactly; a free trade outside [0, cap] is fixed at the bound it
 * crossed, and a fixed trade whose multiplier has the wrong sign (marginal cost g_k on the wrong
 * side of ν) is released. Returns null if it has not settled within `maxRounds`.
 */
export function refineAlmgrenChrissActiveSet(
  p: AlmgrenChrissParams,
  total: number,
  caps: Float64Array,
  guess: ArrayLike<number>,
  classifyTol: number,
  maxRounds = 4 * caps.length + 20,
): ActiveSetOutcome | null {
  const N = caps.length;
  const state: BoundState = new Int8Array(N);
  for (let k = 0; k < N; k++) {
    const v = guess[k]!;
    if (caps[k]! === 0 || v >= caps[k]! - classifyTol) state[k] = Number.isFinite(caps[k]!) ? 1 : 0;
    else if (v <= classifyTol) state[k] = -1;
  }
  const primalTol = 1e-12 * Math.max(1, total);
  for (let round = 1; round <= maxRounds; round++) {
    const trades = solveAlmgrenChrissOnActiveSet(p, total, caps, state);
    if (!trades) {
      // Over-constrained: release the fixed trade whose bound is least needed (the zero-bound
      // ones first, then the smallest caps) and try again.
      const k = releaseCandidate(state, caps);
      if (k < 0) return null;
      state[k] = 0;
      continue;
    }
    let changed = false;
    for (let k = 0; k < N; k++) {
      if (state[k] !== 0) continue;
      if (trades[k]! < -primalTol) {
        state[k] = -1;
        changed = true;
      } else if (trades[k]! > caps[k]! + primalTol) {
        state[k] = 1;
        changed = true;
      }
    }
    if (changed) continue;

    const g = almgrenChrissGradient(p, trades);
    let sum = 0;
    let count = 0;
    let scale = 0;
    for (let k = 0; k < N; k++) {
      scale = Math.max(scale, Math.abs(g[k]!));
      if (state[k] === 0) {
        sum += g[k]!;
        count++;
      }
    }
    // With no free trade ν can be anything between the fixed trades' marginal costs; take the
    // midpoint of the feasible interval.
    let nu: number;
    if (count > 0) nu = sum / count;
    else {
      let lo = -Infinity;
      let hi = Infinity;
      for (let k = 0; k < N; k++) {
        if (state[k]! > 0 && caps[k]! > 0) lo = Math.max(lo, g[k]!);
        if (state[k]! < 0) hi = Math.min(hi, g[k]!);
      }
      nu = Number.isFinite(lo) && Number.isFinite(hi) ? 0.5 * (lo + hi) : Number.isFinite(lo) ? lo : hi;
    }
    const dualTol = 1e-12 * Math.max(1, scale);
    let worst = -1;
    let worstViolation = dualTol;
    for (let k = 0; k < N; k++) {
      if (caps[k] === 0) continue; // 0 ≤ n ≤ 0: both bounds, any multiplier
      const v = state[k]! > 0 ? g[k]! - nu : state[k]! < 0 ? nu - g[k]! : 0;
      if (v > worstViolation) {
        worstViolation = v;
        worst = k;
      }
    }
    if (worst < 0) return { trades, rounds: round };
    state[worst] = 0;
  }
  return null;
}

function releaseCandidate(state: BoundState, caps: Float64Array): number {
  let best = -1;
  for (let k = 0; k < state.length; k++) {
    if (state[k] === 0 || caps[k] === 0) continue;
    if (best < 0 || (state[k]! < 0 && state[best]! > 0) || (state[k] === state[best] && caps[k]! < caps[best]!)) best = k;
  }
  return best;
}
