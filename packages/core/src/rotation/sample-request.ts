import { initialReplayState, navOf, REPLAY_CONFIG, runCycle, universeAt } from './replay.js';
import { generateSampleDay, type SampleDaySpec } from './sample.js';
import type { RotationRequest } from './schema.js';

/**
 * The embedded sample `RotationRequest` (what `keel rotate` runs without a file): the seeded
 * sample day replayed with the greedy engine up to `minute`, then the book, the scores and the
 * market at that bar written out as a request, correlation included unless `correlation: false`.
 */
export function sampleRotationRequest(spec: SampleDaySpec & { minute?: number; correlation?: boolean } = {}): RotationRequest {
  const day = generateSampleDay(spec);
  const minute = spec.minute ?? 215;
  const upTo = day.bars.filter((b) => b.minute < minute);
  const bar = day.bars.find((b) => b.minute >= minute) ?? day.bars[day.bars.length - 1]!;
  let state = initialReplayState(day, { cash: 1e6 });
  for (const b of upTo) state = runCycle(state, b).state;
  const nav = navOf(state, bar);
  const n = day.names.length;
  const correlation = spec.correlation === false ? undefined : Array.from({ length: n }, (_, i) => Array.from(day.correlation.subarray(i * n, (i + 1) * n)));
  return {
    universe: universeAt(state, bar, nav),
    ...(correlation ? { correlation } : {}),
    config: { ...REPLAY_CONFIG },
    state: { minute: bar.minute, nav },
  };
}
