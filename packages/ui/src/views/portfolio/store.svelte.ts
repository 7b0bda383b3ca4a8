import { api, describeError, getSample, KeelApiError, requestJson, type FieldIssue } from '../../lib/api.js';
import { readFileBase64 } from '../../lib/dom.js';
import { splitSides } from '../../lib/field-errors.js';
import { JsonDoc } from '../../lib/json-doc.svelte.js';
import { RunTask } from '../../lib/run-task.svelte.js';
import { dataSpec, guessTable, issueTarget, type InlineTable, type PortfolioConfigLike, type UniverseAnswer } from './types.js';

/** The five-tab workflow's state; one instance, so switching tabs or views loses nothing. */
class PortfolioStore {
  readonly config = new JsonDoc<PortfolioConfigLike>();
  readonly task = new RunTask<unknown>('portfolio');
  sampleState = $state<'idle' | 'loading' | 'loaded' | 'error'>('idle');
  sampleError = $state<string | undefined>(undefined);
  sampleTables = $state.raw<string[]>([]);
  source = $state<'sample' | 'upload'>('sample');
  uploads = $state.raw<InlineTable[]>([]);
  universe = $state.raw<UniverseAnswer | undefined>(undefined);
  universeState = $state<'idle' | 'loading' | 'ok' | 'error'>('idle');
  universeError = $state<string | undefined>(undefined);
  universeMs = $state<number | undefined>(undefined);
  /** Field issues of the last check or run, relative to the request body (`config.…`, `data.…`). */
  checkIssues = $state.raw<FieldIssue[]>([]);
  checkedAt = $state<number | undefined>(undefined);

  /** Issues relative to the config document (for its fields and editor); contradictions on both sides. */
  get configIssues(): FieldIssue[] {
    return splitSides([...this.checkIssues, ...this.task.issues]).flatMap((i) => {
      const t = issueTarget(i.path);
      return t.part === 'config' ? [{ path: t.path, message: i.message }] : [];
    });
  }
  /** Issues about the data: the request's `data` part and table locations. */
  get dataIssues(): FieldIssue[] {
    return [...this.checkIssues, ...this.task.issues].filter((i) => issueTarget(i.path).part === 'data');
  }
  get data() {
    return dataSpec(this.source, this.uploads);
  }

  async loadSample(force = false): Promise<void> {
    if (!force && !this.config.empty) return;
    this.sampleState = 'loading';
    try {
      const s = await getSample<{ config: PortfolioConfigLike; tables?: string[] }>('portfolio');
      this.config.set(s.config);
      if (s.tables) this.sampleTables = s.tables;
      this.sampleState = 'loaded';
      this.sampleError = undefined;
    } catch (e) {
      this.sampleState = 'error';
      this.sampleError = describeError(e);
    }
  }

  async addFiles(files: FileList | readonly File[]): Promise<void> {
    const added: InlineTable[] = [];
    for (const f of Array.from(files)) {
      const parquet = /\.(parquet|pq)$/i.test(f.name);
      added.push({
        name: f.name,
        table: guessTable(f.name),
        format: parquet ? 'parquet' : 'csv',
        size: f.size,
        ...(parquet ? { base64: await readFileBase64(f) } : { text: await f.text() }),
      });
    }
    // A file for a table already loaded replaces it.
    const tables = new Set(added.map((a) => a.table).filter(Boolean));
    this.uploads = [...this.uploads.filter((u) => !u.table || !tables.has(u.table)), ...added];
    this.source = 'upload';
  }

  setTable(index: number, table: InlineTable['table']): void {
    this.uploads = this.uploads.map((u, i) => (i === index ? { ...u, table } : u));
  }
  removeUpload(index: number): void {
    this.uploads = this.uploads.filter((_, i) => i !== index);
  }

  /**
   * Builds the universe on the server (no solve): the grid and the data diagnostics. With the
   * config, the server also checks it and the constraints against the data (pre-solve).
   */
  async buildUniverse(withConfig: boolean): Promise<void> {
    this.universeState = 'loading';
    this.universeError = undefined;
    const t0 = performance.now();
    const config = this.config.value;
    try {
      const body = { data: this.data, ...(withConfig && config ? { config } : {}) };
      this.universe = await requestJson<UniverseAnswer>('POST', '/v1/portfolio/universe', body);
      // The sample's table names, as the server read them.
      const files = (this.universe.summary?.files ?? []) as { table?: string; file?: string }[];
      if (this.source === 'sample' && files.length) this.sampleTables = files.map((f) => f.table ?? f.file ?? '').filter(Boolean);
      this.universeState = 'ok';
      this.checkIssues = [];
      this.universeMs = performance.now() - t0;
      this.checkedAt = Date.now();
    } catch (e) {
      this.universeState = 'error';
      if (e instanceof KeelApiError && e.status === 400) this.checkIssues = [...e.issues];
      this.universeError = describeError(e);
    }
  }

  async run(): Promise<void> {
    const config = this.config.value;
    if (config === undefined) return;
    this.checkIssues = [];
    await this.task.start({ config, data: this.data });
  }

  async open(id: string): Promise<string | undefined> {
    try {
      const { run, log } = await api.getRun(id);
      if (run.kind !== 'portfolio') return `run ${id} is a ${run.kind} run`;
      this.task.adopt(run, log);
      const input = run.input as { config?: PortfolioConfigLike } | null;
      if (this.config.empty && input?.config) this.config.set(input.config);
      return undefined;
    } catch (e) {
      return describeError(e);
    }
  }
}

export const portfolio = new PortfolioStore();
