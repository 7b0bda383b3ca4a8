/** The one sort worker of the page, created on first use; answers matched to requests by id. */
import type { SortDir, SortKeys } from './grid-model.js';
import type { SortAnswer, SortRequest } from './sort-worker.js';

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, (a: SortAnswer) => void>();

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./sort-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<SortAnswer>) => {
      pending.get(e.data.id)?.(e.data);
      pending.delete(e.data.id);
    };
  }
  return worker;
}

export function sortInWorker(keys: SortKeys, dir: SortDir, base: Uint32Array, rowCount: number): Promise<SortAnswer> {
  const id = nextId++;
  const request: SortRequest = { id, keys, dir, base: base.slice(), rowCount };
  return new Promise((resolve) => {
    pending.set(id, resolve);
    const transfer: Transferable[] = [request.base.buffer];
    if (keys.numeric) transfer.push(keys.keys.buffer);
    getWorker().postMessage(request, transfer);
  });
}

/** Above this many rows the grid sorts in the worker; below, synchronously (no frame of unsorted rows). */
export const WORKER_SORT_ABOVE = 5_000;
