import { describe, expect, it } from 'vitest';
import { defaultQpSolve } from './qp-backend.js';
import { solveQpRotation } from './qp-engine.js';
import { factorRiskOf, generateSampleDay } from './sample.js';
import { sampleRotationRequest } from './sample-request.js';
import { parseRotationRequest } from './schema.js';

describe('sample day: factor structure', () => {
  it('is exactly the correlation it is said to generate: C = LLᵀ + diag(specific)', () => {
    const day = generateSampleDay({ seed: 2, names: 60, sessionMinutes: 10 });
    const { loadings: L, specific, names } = day.factors;
    const k = names.length;
    const n = 60;
    expect(names[0]).toBe('market');
    for (let i = 0; i < n; i++) {
      expect(L.subarray(i * k, (i + 1) * k).filter((v) => v !== 0).length).toBe(2); // market + own sector
      expect(specific[i]).toBeGreaterThan(0);
      for (let j = 0; j < n; j++) {
        let c = i === j ? specific[i]! : 0;
        for (let a = 0; a < k; a++) c += L[i * k + a]! * L[j * k + a]!;
        expect(c).toBeCloseTo(day.correlation[i * n + j]!, 14);
      }
    }
    // Scaled by vols: Σ = D C D.
    const vols = Array.from({ length: n }, (_, i) => 0.1 + i / 100);
    const f = factorRiskOf(day.factors, vols);
    expect(f.specificVariance[3]).toBeCloseTo(vols[3]! ** 2 * specific[3]!, 15);
    expect(f.loadings[5 * k]).toBeCloseTo(vols[5]! * L[5 * k]!, 15);
  });
});

describe('sample request', () => {
  it('carries the factor model by default; the factor and correlation paths give the same QP answer', () => {
    const spec = { seed: 3, names: 120, sessionMinutes: 60, minute: 55 };
    const fReq = sampleRotationRequest(spec);
    expect(fReq.factorModel?.factors.length).toBe(12);
    expect(fReq.correlation).toBeUndefined();
    const cReq = sampleRotationRequest({ ...spec, risk: 'correlation' });
    expect(cReq.factorModel).toBeUndefined();
    const solve = defaultQpSolve;
    const a = solveQpRotation(parseRotationRequest(fReq), { solve });
    const b = solveQpRotation(parseRotationRequest(cReq), { solve });
    expect(a.info.riskModel.source).toBe('factor');
    expect(b.info.riskModel.source).toBe('correlation');
    expect(a.info.status).toBe('optimal');
    expect(b.info.status).toBe('optimal');
    expect(Math.abs(a.info.objective!.value - b.info.objective!.value)).toBeLessThan(1e-7 * Math.abs(b.info.objective!.value));
    expect(a.info.size.pNonzeros).toBeLessThan(b.info.size.pNonzeros / 20);
  });
});
