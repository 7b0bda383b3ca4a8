/// <reference lib="webworker" />
/**
 * Sorting off the main thread: the grid sends one column's keys (numbers in a transferred
 * Float64Array, or strings) and the filtered row indices; the worker answers the order.
 */
import { argsort, type SortDir, type SortKeys } from './grid-model.js';

export interface SortRequest {
  readonly id: number;
  readonly keys: SortKeys;
  readonly dir: SortDir;
  readonly base: Uint32Array;
  readonly rowCount: number;
}
export interface SortAnswer {
  readonly id: number;
  readonly index: Uint32Array;
  readonly ms: number;
}

self.onmessage = (e: MessageEvent<SortRequest>) => {
  const { id, keys, dir, base, rowCount } = e.data;
  const t0 = performance.now();
  const index = argsort(keys, dir, base, rowCount);
  const answer: SortAnswer = { id, index, ms: performance.now() - t0 };
  (self as unknown as Worker).postMessage(answer, [index.buffer]);
};
