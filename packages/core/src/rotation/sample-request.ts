import { initialReplayState, navOf, REPLAY_CONFIG, runCycle, universeAt } from './replay.js';
import { factorRiskOf, generateSampleDay, type SampleDaySpec } from './sample.js';
import type { RotationRequest } from './schema.js';

/** Which risk input the sample request carries. */
export const SAMPLE_RISK_INPUTS = ['factor', 'correlation', 'none'] as const;
export type SampleRiskInput = (typeof SAMPLE_RISK_INPUTS)[number];

/**
 * The embedded sample `RotationRequest` (what `keel rotate` runs without a file): the seeded
 * sample day replayed with the greedy engine up to `minute`, then the book, the scores and the
 * market at that bar written out as a request. Risk (`risk`): `factor` (default) writes the
 * factor structure the day's returns are generated from (market + one factor per sector, F = I,
 * loadings and specific variances scaled by each name's vol at the bar) as `factorModel`;
 * `correlation` writes the same risk as the dense n × n correlation (Σ = D C D, identical);
 * `none` writes neither.
 */
export function sampleRotationRequest(spec: SampleDaySpec & { minute?: number; risk?: SampleRiskInput } = {}): RotationRequest {
  const day = generateSampleDay(spec);
  const minute = spec.minute ?? 215;
  const upTo = day.bars.filter((b) => b.minute < minute);
  const bar = day.bars.find((b) => b.minute >= minute) ?? day.bars[day.bars.length - 1]!;
  let state = initialReplayState(day, { cash: 1e6 });
  for (const b of upTo) state = runCycle(state, b).state;
  const nav = navOf(state, bar);
  const n = day.names.length;
  const universe = universeAt(state, bar, nav);
  const risk = spec.risk ?? 'factor';
  const correlation = risk === 'correlation' ? Array.from({ length: n }, (_, i) => Array.from(day.correlation.subarray(i * n, (i + 1) * n))) : undefined;
  let factorModel: RotationRequest['factorModel'];
  if (risk === 'factor') {
    const f = factorRiskOf(day.factors, universe.map((u) => u.vol!));
    const k = f.factors.length;
    const loadings: Record<string, Record<string, number>> = {};
    const specificVariance: Record<string, number> = {};
    universe.forEach((u, i) => {
      const row: Record<string, number> = {};
      f.factors.forEach((name, a) => {
        const v = f.loadings[i * k + a]!;
        if (v !== 0) row[name] = v;
      });
      loadings[u.symbol] = row;
      specificVariance[u.symbol] = f.specificVariance[i]!;
    });
    factorModel = { factors: [...f.factors], loadings, covariance: Array.from({ length: k }, (_, a) => Array.from(f.covariance.subarray(a * k, (a + 1) * k))), specificVariance };
  }
  return {
    universe,
    ...(correlation ? { correlation } : {}),
    ...(factorModel ? { factorModel } : {}),
    config: { ...REPLAY_CONFIG },
    state: { minute: bar.minute, nav },
  };
}
