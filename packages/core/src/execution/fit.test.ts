import { describe, expect, it } from 'vitest';
import { isInputError } from '@keel/solver-native/errors';
import { formatFillsCsv, parseFillsCsv } from './csv.js';
import { fitImpactModels, type Fill } from './fit.js';
import { createMulberry32Rng } from '../random/index.js';
import { generateSampleFills, sampleImpactFit } from './sample.js';

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (isInputError(e)) return e.issues.map((i) => i.path);
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('fitImpactModels', () => {
  it('recovers per-bin β exactly from noiseless linear fills, and interpolates an empty bin', () => {
    const beta = [0.02, 0.01, 0.005, 0.01, 0.04];
    const fills: Fill[] = [];
    for (let t = 0; t < 5; t++) {
      if (t === 2) continue; // no fills in bin 2
      for (const size of [100, 250, 400]) fills.push({ time: t + 0.5, size, slippageBps: beta[t]! * size });
    }
    const fit = fitImpactModels(fills, { intervals: 5 });
    for (const t of [0, 1, 3, 4]) {
      expect(fit.linear.beta[t]).toBeCloseTo(beta[t]!, 14);
      expect(fit.linear.bins[t]!.source).toBe('fit');
      expect(fit.linear.bins[t]!.residualStd).toBeCloseTo(0, 12);
      expect(fit.linear.bins[t]!.r2).toBeCloseTo(1, 12);
    }
    expect(fit.linear.bins[2]!.source).toBe('interpolated');
    expect(fit.linear.beta[2]).toBeCloseTo(0.01, 14); // halfway between bins 1 and 3
    expect(fit.linear.fittedBins).toBe(4);
  });

  it('recovers the exponent and per-bin levels of a noisy power law by log-log regression', () => {
    const rng = createMulberry32Rng(3);
    const a = 0.6;
    const eta = Array.from({ length: 20 }, (_, t) => 0.1 * (1 + t / 10));
    const fills: Fill[] = [];
    for (let t = 0; t < 20; t++) {
      for (let i = 0; i < 400; i++) {
        const size = Math.round(50 * Math.exp(1.2 * rng.normal())) + 1;
        fills.push({ time: t + rng.next(), size, slippageBps: eta[t]! * size ** a * Math.exp(0.3 * rng.normal()) });
      }
    }
    const fit = fitImpactModels(fills, { intervals: 20 });
    expect(Math.abs(fit.powerLaw.exponent - a)).toBeLessThan(0.02);
    expect(fit.powerLaw.exponentClamped).toBe(false);
    for (let t = 0; t < 20; t++) expect(Math.abs(Math.log(fit.powerLaw.eta[t]! / eta[t]!))).toBeLessThan(0.15);
    expect(fit.powerLaw.residualStd!).toBeGreaterThan(0.27);
    expect(fit.powerLaw.residualStd!).toBeLessThan(0.33); // the noise was 0.3 in log space
    expect(fit.powerLaw.r2!).toBeGreaterThan(0.5);
  });

  it('clamps an exponent above 1 and says so', () => {
    const fills: Fill[] = [];
    for (const size of [10, 20, 40, 80]) fills.push({ time: 0.2, size, slippageBps: 1e-4 * size ** 1.8 });
    const fit = fitImpactModels(fills, { intervals: 1 });
    expect(fit.powerLaw.rawExponent).toBeCloseTo(1.8, 10);
    expect(fit.powerLaw.exponent).toBe(1);
    expect(fit.powerLaw.exponentClamped).toBe(true);
  });

  it('rejects bad fills with their paths', () => {
    const paths = issuesOf(() =>
      fitImpactModels(
        [
          { time: 0.5, size: 100, slippageBps: 1 },
          { time: 400, size: -3, slippageBps: NaN },
        ],
        { intervals: 390 },
      ),
    );
    expect(paths).toEqual(['fills[1].time', 'fills[1].size', 'fills[1].slippageBps']);
  });

  it('the embedded sample is seeded, U-shaped in activity and recovers the square-root law it was drawn from', () => {
    expect(generateSampleFills()).toEqual(generateSampleFills());
    const fit = sampleImpactFit();
    expect(fit.fills).toBeGreaterThan(4000);
    expect(Math.abs(fit.powerLaw.exponent - 0.5)).toBeLessThan(0.05);
    // Impact is higher at midday (thin market) than at the open and the close.
    const mid = fit.powerLaw.eta.slice(180, 210).reduce((s, v) => s + v, 0) / 30;
    const open = fit.powerLaw.eta.slice(0, 30).reduce((s, v) => s + v, 0) / 30;
    expect(mid).toBeGreaterThan(1.5 * open);
  });
});

describe('fills CSV', () => {
  it('reads minutes or clock times, aliases and quotes', () => {
    const text = 'Time,Shares,"slippage_bps",venue\n0.5,100,1.25,X\n09:31:30,200,-0.5,"Y, Z"\r\n10:00,50,2,Q\n';
    expect(parseFillsCsv(text)).toEqual([
      { time: 0.5, size: 100, slippageBps: 1.25 },
      { time: 1.5, size: 200, slippageBps: -0.5 },
      { time: 30, size: 50, slippageBps: 2 },
    ]);
  });

  it('names file:row:column on bad cells and missing columns', () => {
    expect(issuesOf(() => parseFillsCsv('time,size,slippage_bps\n1,abc,2\n2,5,\n', { fileName: 'f.csv' }))).toEqual([
      'f.csv:2:size',
      'f.csv:3:slippage_bps',
    ]);
    expect(issuesOf(() => parseFillsCsv('time,qty\n1,2\n', { fileName: 'f.csv' }))).toEqual(['f.csv:1']);
  });

  it('round-trips the sample', () => {
    const fills = generateSampleFills().slice(0, 50);
    expect(parseFillsCsv(formatFillsCsv(fills))).toEqual(fills);
  });
});
