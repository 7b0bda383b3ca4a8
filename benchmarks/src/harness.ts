import b from 'benny';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export interface BenchOptions {
  /** Quick subset for CI (`pnpm bench:ci`, under 3 minutes in all). */
  readonly ci: boolean;
}

/** What a suite hands back: tracked ratios (checked against floors.json) and plain figures. */
export interface SuiteReport {
  readonly ratios: Record<string, number>;
  readonly figures: Record<string, number | string | boolean>;
}

export interface BenchSuite {
  readonly name: string;
  /** Included in `bench:ci`. */
  readonly inCi: boolean;
  run(opts: BenchOptions): Promise<SuiteReport>;
}

export interface BenchCase {
  readonly name: string;
  /** One timed call; may return a promise. Setup belongs outside. */
  readonly fn: () => unknown;
}

export interface CaseTiming {
  readonly name: string;
  readonly opsPerSec: number;
  readonly meanMs: number;
  readonly samples: number;
  readonly rme: number;
}

/**
 * Times cases side by side in one benny suite (so a ratio compares like with like on a noisy
 * machine) and saves benny's JSON under results/.
 */
export async function measure(
  suite: string,
  cases: readonly BenchCase[],
  opts: { minSamples?: number; maxTime?: number } = {},
): Promise<Record<string, CaseTiming>> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const summary = await b.suite(
    suite,
    ...cases.map((c) => b.add(c.name, c.fn)),
    b.configure({ cases: { minSamples: opts.minSamples ?? 3, maxTime: opts.maxTime ?? 2 } }),
    b.save({ file: suite, folder: RESULTS_DIR, format: 'json', details: false }),
  );
  const out: Record<string, CaseTiming> = {};
  for (const r of summary.results) {
    // benny rounds `ops` to the fewest digits that keep cases distinct (1.4 ops/s → 1), so
    // slow cases take the unrounded mean seconds per call from `details`.
    const mean = r.details?.mean;
    const ops = typeof mean === 'number' && mean > 0 ? 1 / mean : r.ops;
    out[r.name] = {
      name: r.name,
      opsPerSec: ops,
      meanMs: ops > 0 ? 1000 / ops : Infinity,
      samples: r.samples,
      rme: r.margin,
    };
  }
  return out;
}

/** How many times faster `fast` is than `slow` (> 1 means faster). */
export const speedup = (fast: CaseTiming, slow: CaseTiming): number => fast.opsPerSec / slow.opsPerSec;

export function writeJson(name: string, data: unknown): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}${name}.json`, `${JSON.stringify(data, null, 2)}\n`);
}
