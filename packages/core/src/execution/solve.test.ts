import { describe, expect, it } from 'vitest';
import { isInputError } from '@keel/solver-native/errors';
import { almgrenChrissTrajectory } from './almgren-chriss.js';
import { ALMGREN_CHRISS_PAPER_REQUEST, sampleExecutionRequest } from './sample.js';
import { solveExecution } from './solve.js';
import type { ExecutionRequest } from './types.js';

function inputIssues(request: unknown): { path: string; message: string }[] {
  try {
    solveExecution(request);
  } catch (e) {
    if (isInputError(e)) return [...e.issues];
    throw e;
  }
  throw new Error('expected an InputError');
}

const small: ExecutionRequest = { totalShares: 1000, intervals: 4, impact: { model: 'linear', beta: [1, 2, 4, 8] } };

describe('solveExecution: validation names the field', () => {
  it.each([
    ['negative S', { ...small, totalShares: -5 }, 'totalShares'],
    ['fractional S', { ...small, totalShares: 10.5 }, 'totalShares'],
    ['NaN S', { ...small, totalShares: NaN }, 'totalShares'],
    ['beta length', { ...small, impact: { model: 'linear', beta: [1, 2, 3] } }, 'impact.beta'],
    ['zero beta', { ...small, impact: { model: 'linear', beta: [1, 0, 3, 4] } }, 'impact.beta[1]'],
    ['NaN beta', { ...small, impact: { model: 'linear', beta: [1, NaN, 3, 4] } }, 'impact.beta[1]'],
    ['exponent 0', { ...small, impact: { model: 'powerLaw', eta: [1, 1, 1, 1], exponent: 0 } }, 'impact.exponent'],
    ['exponent 1.5', { ...small, impact: { model: 'powerLaw', eta: [1, 1, 1, 1], exponent: 1.5 } }, 'impact.exponent'],
    ['negative eta', { ...small, impact: { model: 'powerLaw', eta: [1, -1, 1, 1], exponent: 0.5 } }, 'impact.eta[1]'],
    ['unknown model', { ...small, impact: { model: 'cubic', beta: [1, 2, 3, 4] } }, 'impact.model'],
    ['volume length', { ...small, volume: [1, 2] }, 'volume'],
    ['caps negative', { ...small, caps: [1, -2, 3, 4] }, 'caps[1]'],
    ['participation > 1', { ...small, volume: [1, 1, 1, 1], participation: 1.5 }, 'participation'],
    ['participation without volume', { ...small, participation: 0.1 }, 'participation'],
    ['AC eta below gamma·tau/2', { totalShares: 10, intervals: 3, impact: { model: 'almgrenChriss', sigma: 1, eta: 1e-7, gamma: 1e-6, epsilon: 0, lambda: 1e-6 } }, 'impact.eta'],
    ['AC sigma 0', { totalShares: 10, intervals: 3, impact: { model: 'almgrenChriss', sigma: 0, eta: 1, gamma: 0, epsilon: 0, lambda: 1 } }, 'impact.sigma'],
    ['unknown field', { ...small, totalshares: 5 }, ''],
  ])('%s → %s', (_name, request, path) => {
    const issues = inputIssues(request);
    expect(issues.map((i) => i.path)).toContain(path);
  });
});

describe('solveExecution', () => {
  it('solves a small linear case exactly and returns whole shares summing to S', () => {
    const r = solveExecution(small);
    expect(r.status).toBe('optimal');
    expect(r.info.solver).toBe('water_filling');
    // x ∝ 1/β: 1000·(8, 4, 2, 1)/15.
    const ref = [8, 4, 2, 1].map((w) => (1000 * w) / 15);
    r.continuous.forEach((v, t) => expect(Math.abs(v - ref[t]!) / ref[t]!).toBeLessThan(1e-12));
    expect(r.schedule).toEqual([533, 267, 133, 67]);
    expect(r.baselines.twap.cost).toBe(250 * 250 * 15);
    expect(r.improvementPct.vsTwap).toBeCloseTo(((937500 - r.cost) / 937500) * 100, 10);
    expect(r.info.kkt?.ok).toBe(true);
  });

  it('reports infeasible caps as a status with the shortfall, not an error', () => {
    const r = solveExecution({ ...small, caps: [100, 100, 100, 150.7] });
    expect(r.status).toBe('infeasible');
    expect(r.shortfall).toBe(1000 - 450); // caps are whole shares: 150.7 holds 150
    expect(r.schedule).toEqual([100, 100, 100, 150]);
    expect(r.improvementPct.vsTwap).toBeNull();
  });

  it('combines participation and explicit caps by min, in whole shares', () => {
    const r = solveExecution({ ...small, volume: [2000, 2000, 2000, 2000], participation: 0.15, caps: [1000, 250, 1000, 1000] });
    expect(r.info.caps).toEqual([300, 250, 300, 300]);
    expect(r.status).toBe('optimal');
    expect(r.schedule.reduce((s, v) => s + v, 0)).toBe(1000);
    r.schedule.forEach((v, t) => expect(v).toBeLessThanOrEqual(r.info.caps![t]!));
    expect(r.continuous[0]).toBe(300); // the cheapest bin is capped
  });

  it('handles S = 0', () => {
    const r = solveExecution({ ...small, totalShares: 0 });
    expect(r.status).toBe('optimal');
    expect(r.schedule).toEqual([0, 0, 0, 0]);
  });

  it('the sample (fitted linear model, 6% participation) is optimal, capped where the caps bind, and beats TWAP and VWAP', () => {
    const req = sampleExecutionRequest('linear');
    const r = solveExecution(req, { sensitivity: true });
    expect(r.status).toBe('optimal');
    expect(r.schedule.reduce((s, v) => s + v, 0)).toBe(100_000);
    r.schedule.forEach((v, t) => {
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeLessThanOrEqual(r.info.caps![t]!);
    });
    expect(r.improvementPct.vsTwap!).toBeGreaterThan(0);
    expect(r.improvementPct.vsVwap!).toBeGreaterThan(0);
    expect(r.sensitivity!.map((s) => s.totalShares)).toEqual([50_000, 75_000, 100_000, 150_000, 200_000]);
    // More shares, more bins at their cap.
    const capped = r.sensitivity!.map((s) => s.cappedBins);
    expect(capped[4]!).toBeGreaterThan(capped[0]!);
  });

  it('Almgren–Chriss: the paper’s example is the closed form; with binding caps the active set is optimal', () => {
    const paper = solveExecution(ALMGREN_CHRISS_PAPER_REQUEST);
    expect(paper.info.solver).toBe('closed_form');
    expect(paper.status).toBe('optimal');
    const cf = almgrenChrissTrajectory({ ...ALMGREN_CHRISS_PAPER_REQUEST.impact, tau: 1 } as never, 1e6, 5).trades;
    paper.continuous.forEach((v, k) => expect(Math.abs(v - cf[k]!) / 1e6).toBeLessThan(1e-12));
    expect(paper.schedule.reduce((s, v) => s + v, 0)).toBe(1e6);

    const request = { ...ALMGREN_CHRISS_PAPER_REQUEST, caps: [300_000, 250_000, 1e6, 1e6, 1e6] };
    const capped = solveExecution(request);
    expect(capped.info.solver).toBe('qp');
    expect(capped.info.qp?.refined).toBe(true);
    expect(capped.status).toBe('optimal');
    expect(capped.continuous[0]).toBe(300_000);
    expect(capped.continuous[1]).toBe(250_000);
    expect(capped.cost).toBeGreaterThan(paper.cost); // caps cost something
    const activeSet = solveExecution(request, { capped: 'active_set' });
    expect(activeSet.info.solver).toBe('active_set');
    expect(activeSet.status).toBe('optimal');
    activeSet.continuous.forEach((v, k) => expect(Math.abs(v - capped.continuous[k]!) / 1e6).toBeLessThan(1e-12));
    // A QP backend that throws does not sink the request: the exact steps carry on without it.
    const broken = solveExecution(request, {
      qp: () => {
        throw new Error('backend exploded');
      },
    });
    expect(broken.status).toBe('optimal');
    expect(broken.info.qp).toMatchObject({ status: 'error', error: 'backend exploded', refined: true });
  });

  it('power law with per-bin exponents goes through the multiplier search', () => {
    const r = solveExecution({ ...small, impact: { model: 'powerLaw', eta: [1, 2, 3, 4], exponent: [0.3, 0.5, 0.7, 1] } });
    expect(r.info.solver).toBe('multiplier_search');
    expect(r.status).toBe('optimal');
    expect(r.info.kkt!.stationarity).toBeLessThan(1e-12);
  });
});
