import { describe, expect, it } from 'vitest';
import { validateDualInfeasibilityCertificate, validatePrimalInfeasibilityCertificate, validateQpSolution } from './check.js';
import { denseProblem } from './test-support/dense-qp.js';

// min ½‖x‖² − 1ᵀx s.t. x₁ + x₂ ≤ 1: x = (½, ½), y = ½
const p = denseProblem([[1, 0], [0, 1]], [-1, -1], [[1, 1]], [-Infinity], [1]);

describe('independent QP checks', () => {
  it('accepts the true optimum and rejects perturbed or sign-wrong points', () => {
    expect(validateQpSolution(p, Float64Array.of(0.5, 0.5), Float64Array.of(0.5)).ok).toBe(true);
    const shifted = validateQpSolution(p, Float64Array.of(0.6, 0.5), Float64Array.of(0.5));
    expect(shifted.ok).toBe(false);
    expect(shifted.primalResidual).toBeCloseTo(0.1, 12);
    // y < 0 pushes on the infinite lower bound: a sign error even though stationarity could hold
    const wrongSign = validateQpSolution(p, Float64Array.of(0, 0), Float64Array.of(-1));
    expect(wrongSign.ok).toBe(false);
    expect(validateQpSolution(p, Float64Array.of(0.5, 0.5), Float64Array.of(0.4)).ok).toBe(false);
  });

  it('checks infeasibility certificates from the raw data', () => {
    // x₁ ≥ 3 and x₁ ≤ 1
    const infeasible = denseProblem([[1]], [0], [[1], [1]], [3, -Infinity], [Infinity, 1]);
    expect(validatePrimalInfeasibilityCertificate(infeasible, Float64Array.of(-1, 1)).ok).toBe(true);
    expect(validatePrimalInfeasibilityCertificate(infeasible, Float64Array.of(1, -1)).ok).toBe(false);
    // min −x₁ s.t. x₁ ≥ 0 is unbounded along +x₁, not along −x₁
    const unbounded = denseProblem([[0]], [-1], [[1]], [0], [Infinity]);
    expect(validateDualInfeasibilityCertificate(unbounded, Float64Array.of(1)).ok).toBe(true);
    expect(validateDualInfeasibilityCertificate(unbounded, Float64Array.of(-1)).ok).toBe(false);
  });
});
