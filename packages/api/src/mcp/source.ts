import type { KeelClient } from '../client/index.js';
import type { ListRunsQuery, RunEvent, RunRecord, RunStore, RunSummary } from '../store/types.js';

/** Where the MCP tools read runs from: the store file directly, or a running server over HTTP. */
export interface RunSource {
  list(q: ListRunsQuery): Promise<RunSummary[]>;
  get(id: string): Promise<{ run: RunRecord; log: RunEvent[] } | undefined>;
}

export const storeSource = (store: RunStore): RunSource => ({
  list: (q) => store.list(q),
  async get(id) {
    const run = await store.get(id);
    return run && { run, log: await store.events(id) };
  },
});

export const clientSource = (client: KeelClient): RunSource => ({
  list: (q) => client.listRuns(q),
  async get(id) {
    try {
      return await client.getRun(id);
    } catch (e) {
      if ((e as { status?: number }).status === 404) return undefined;
      throw e;
    }
  },
});
