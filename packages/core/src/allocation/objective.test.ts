import { describe, expect, it } from 'vitest';
import { createRng } from '../random/index.js';
import { allocate } from './allocate.js';
import { cvarOf } from './greedy/state.js';
import { buildAllocationModel } from './model.js';
import { evaluateCvar, evaluateObjective, objectiveScales } from './objective.js';
import { parseAllocationRequest } from './parse.js';
import { buildScenarioSet } from './scenario-set.js';
import { mutable, tinyBook } from './test-support/books.js';

/** Rockafellar–Uryasev: min over ζ of ζ + Σ(L − ζ)⁺/t; the optimum lies at a sample point. */
function ruCvar(losses: number[], alpha: number): number {
  const t = (1 - alpha) * losses.length;
  return Math.min(...losses.map((z) => z + losses.reduce((a, l) => a + Math.max(l - z, 0), 0) / t));
}

describe('objective terms', () => {
  it('CVaR equals the Rockafellar–Uryasev minimum, integer and fractional tails, sort and quickselect', () => {
    const rng = createRng(5);
    for (const [S, alpha] of [[100, 0.95], [37, 0.9], [10, 0.5], [7, 0.99], [1000, 0.975]] as const) {
      const losses = Array.from({ length: S }, () => rng.normal() * 1e6 + (rng.next() < 0.05 ? 5e6 : 0));
      const ref = ruCvar(losses, alpha);
      expect(evaluateCvar(losses, alpha)).toBeCloseTo(ref, 4);
      expect(cvarOf(Float64Array.from(losses), alpha)).toBeCloseTo(ref, 4);
    }
  });

  it('CVaR with a tail thinner than one scenario (alpha within 1e-14 of 1) is the worst loss, not NaN', () => {
    const losses = [3, -1, 7.5, 2];
    const alpha = 1 - 1e-14;
    expect(cvarOf(Float64Array.from(losses), alpha)).toBe(7.5);
    expect(evaluateCvar(losses, alpha)).toBe(7.5);
  });

  it('financing cost, headroom and risk by hand on the tiny book', () => {
    const b = mutable(tinyBook());
    b.objective = { terms: [{ kind: 'financingCost', weight: 1 }, { kind: 'headroom', weight: 0.5 }, { kind: 'risk', weight: 2, alpha: 0.5 }] };
    const req = parseAllocationRequest(b);
    const model = buildAllocationModel(req);
    const scen = buildScenarioSet(req);
    // T1 → B, T2 → A. A: UST10 +2M long, CORP5 −5M short. B: UST10 +10M long.
    const q = Float64Array.from([0, 10_000_000, 5_000_000, 0]);
    const o = evaluateObjective(model, q, scen);
    const h = 30 / 360;
    const F = (2_000_000 * 0.05 * 1.0 + 5_000_000 * 0.07 * 1.01 + 10_000_000 * 0.045 * 1.0) * h;
    expect(o.terms.financingCost).toBeCloseTo(F, 6);
    // Risk: per-account losses −Σ P·p·r/100 in the 2 scenarios; alpha 0.5 → t = 1: the worst.
    const lossA = [-(2e6 * -0.01 + -5e6 * 0.005), -(2e6 * 0.02 + -5e6 * -0.03)];
    const lossB = [-(10e6 * -0.01), -(10e6 * 0.02)];
    expect(o.terms.risk).toBeCloseTo(Math.max(...lossA) + Math.max(...lossB), 6);
    // Scales: book = traded notional (10M·1.00 + 5M·1.01) + pre-trade gross (2M).
    const B = 10_000_000 + 5_050_000 + 2_000_000;
    const sc = objectiveScales(model);
    expect(sc.financingCost).toBeCloseTo(B * 0.01 * h, 6);
    expect(sc.risk).toBeCloseTo(B * 0.01, 6);
    expect(o.value).toBeCloseTo(F / sc.financingCost - 0.5 * o.terms.headroom! + (2 * o.terms.risk!) / sc.risk, 12);
  });

  it('headroom term is the smallest compliance headroom over hard constraints', async () => {
    const b = mutable(tinyBook());
    b.objective = { terms: [{ kind: 'headroom', weight: 1 }] };
    b.accounts[0].constraints.push({ id: 'soft', metric: 'gross', op: '<=', limit: 1, soft: { penalty: 3 } });
    const r = await allocate(b, { strategy: 'greedy' });
    const hard = r.compliance.filter((c) => !c.soft);
    expect(r.objective.terms.headroom).toBeCloseTo(Math.min(...hard.map((c) => c.headroom)), 12);
    const soft = r.compliance.find((c) => c.soft)!;
    // Soft violation: penalty × (worst − limit)/|limit|, in the objective, never a failed status.
    expect(soft.worst).toBeGreaterThan(1_000_000);
    expect(r.objective.terms.softPenalty).toBeCloseTo((3 * (soft.worst - 1)) / 1, 6);
    expect(soft.pass).toBe(false);
    expect(r.status).toBe('feasible');
  });
});
