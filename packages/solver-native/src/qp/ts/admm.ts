import type { QpStatus } from '../types.js';
import { clampRho, type AdmmState } from './state.js';
import { checkTermination, computeResiduals, estimateRho, type Verdict } from './termination.js';

/** Iterations between ρ updates when the setting is 0 (OSQP 1.0: 4 termination checks). */
export const autoRhoInterval = (checkTermination: number): number => 4 * checkTermination;

// ---- the ADMM steps, with the paper's names ------------------------------------------

/** Solve the KKT system for (x̃, ν) with rhs [σ x_prev − q; z_prev − ρ⁻¹ y], then z̃ = z_prev + ρ⁻¹(ν − y). */
function updateXzTilde(s: AdmmState): void {
  const { n, m, xzTilde, xPrev, zPrev, q, y, rhoInvVec } = s;
  const sigma = s.settings.sigma;
  for (let j = 0; j < n; j++) xzTilde[j] = sigma * xPrev[j]! - q[j]!;
  for (let i = 0; i < m; i++) xzTilde[n + i] = zPrev[i]! - rhoInvVec[i]! * y[i]!;
  s.kkt.solve(xzTilde);
  for (let i = 0; i < m; i++) xzTilde[n + i] = zPrev[i]! + rhoInvVec[i]! * (xzTilde[n + i]! - y[i]!);
}

/** x = α x̃ + (1 − α) x_prev; δx = x − x_prev. */
function updateX(s: AdmmState): void {
  const { n, x, xPrev, xzTilde, deltaX } = s;
  const alpha = s.settings.alpha;
  for (let j = 0; j < n; j++) {
    const v = alpha * xzTilde[j]! + (1 - alpha) * xPrev[j]!;
    x[j] = v;
    deltaX[j] = v - xPrev[j]!;
  }
}

/** z = Π[l,u](α z̃ + (1 − α) z_prev + ρ⁻¹ y). */
function updateZ(s: AdmmState): void {
  const { n, m, z, zPrev, xzTilde, y, rhoInvVec, l, u } = s;
  const alpha = s.settings.alpha;
  for (let i = 0; i < m; i++) {
    const v = alpha * xzTilde[n + i]! + (1 - alpha) * zPrev[i]! + rhoInvVec[i]! * y[i]!;
    z[i] = v < l[i]! ? l[i]! : v > u[i]! ? u[i]! : v;
  }
}

/** δy = ρ(α z̃ + (1 − α) z_prev − z); y += δy. */
function updateY(s: AdmmState): void {
  const { n, m, z, zPrev, xzTilde, y, deltaY, rhoVec } = s;
  const alpha = s.settings.alpha;
  for (let i = 0; i < m; i++) {
    const d = rhoVec[i]! * (alpha * xzTilde[n + i]! + (1 - alpha) * zPrev[i]! - z[i]!);
    deltaY[i] = d;
    y[i]! += d;
  }
}

function swapIterates(s: AdmmState): void {
  const x = s.x;
  s.x = s.xPrev;
  s.xPrev = x;
  const z = s.z;
  s.z = s.zPrev;
  s.zPrev = z;
}

/** Adapts ρ from the balance of the residuals; refactors only beyond the tolerance factor. */
function adaptRho(s: AdmmState): boolean {
  const rhoNew = clampRho(estimateRho(s));
  const tol = s.settings.adaptiveRhoTolerance;
  if (!(rhoNew > s.rho * tol || rhoNew < s.rho / tol)) return true;
  s.rho = rhoNew;
  s.setRhoVec();
  s.rhoUpdates++;
  return s.refactorRho();
}

export interface AdmmOutcome {
  readonly status: QpStatus;
  readonly iterations: number;
  /** The final point came from an early polish. */
  readonly polished?: boolean;
}

/**
 * Runs ADMM from the state's current iterates. `deadline` is a performance.now() value
 * (Infinity for none). Leaves residuals of the final iterate in the state.
 */
export function runAdmm(s: AdmmState, deadline: number, earlyPolish?: (s: AdmmState, iter: number) => boolean): AdmmOutcome {
  const { maxIter, checkTermination: every, adaptiveRho } = s.settings;
  const rhoInterval = adaptiveRho ? s.settings.adaptiveRhoInterval || autoRhoInterval(every) : 0;
  let verdict: Verdict;
  let timedOut = false;
  let iter = 0;
  let checkedLast = false;
  while (iter < maxIter) {
    iter++;
    swapIterates(s);
    updateXzTilde(s);
    updateX(s);
    updateZ(s);
    updateY(s);

    if (performance.now() >= deadline) {
      timedOut = true;
      checkedLast = false;
      break;
    }
    const check = iter % every === 0;
    const adapt = rhoInterval > 0 && iter % rhoInterval === 0;
    checkedLast = check;
    if (check || adapt) {
      computeResiduals(s, s.x, s.z, s.y);
      if (!Number.isFinite(s.primRes) || !Number.isFinite(s.dualRes)) return { status: 'numerical_error', iterations: iter };
    }
    if (check) {
      verdict = checkTermination(s, s.z, false);
      if (verdict) break;
      // A polished point that meets the tolerances ends the run early (see polish.ts).
      if (earlyPolish?.(s, iter)) return { status: 'solved', iterations: iter, polished: true };
    }
    if (adapt && !adaptRho(s)) return { status: 'numerical_error', iterations: iter };
  }
  if (!checkedLast) {
    computeResiduals(s, s.x, s.z, s.y);
    if (!Number.isFinite(s.primRes) || !Number.isFinite(s.dualRes)) return { status: 'numerical_error', iterations: iter };
    verdict = checkTermination(s, s.z, false);
  }
  if (verdict) return { status: verdict, iterations: iter };
  // Out of iterations or time: accept a solution at ten times the tolerances as inaccurate.
  if (checkTermination(s, s.z, true) === 'solved') return { status: 'solved_inaccurate', iterations: iter };
  return { status: timedOut ? 'time_limit_reached' : 'max_iter_reached', iterations: iter };
}
