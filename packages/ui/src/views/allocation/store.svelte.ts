import { api, getSample, describeError } from '../../lib/api.js';
import { JsonDoc } from '../../lib/json-doc.svelte.js';
import { RunTask } from '../../lib/run-task.svelte.js';
import { STRATEGIES, type AllocationRequestLike, type AllocationResult, type Strategy } from './types.js';

/** The allocation view's state; a module singleton so nothing typed is lost when switching views. */
class AllocationStore {
  readonly doc = new JsonDoc<AllocationRequestLike>();
  sampleState = $state<'idle' | 'loading' | 'loaded' | 'error'>('idle');
  sampleError = $state<string | undefined>(undefined);
  selected = $state<Record<Strategy, boolean>>({ exact: true, bucketed: true, greedy: true });
  focus = $state<Strategy | 'compare'>('exact');
  readonly tasks: Record<Strategy, RunTask<AllocationResult>> = {
    exact: new RunTask('allocation'),
    bucketed: new RunTask('allocation'),
    greedy: new RunTask('allocation'),
  };
  /** The request each strategy's result was computed from (for joins). */
  ranOn = $state.raw<Partial<Record<Strategy, AllocationRequestLike>>>({});

  get issues() {
    for (const s of STRATEGIES) if (this.tasks[s].issues.length) return this.tasks[s].issues;
    return [];
  }
  get busy(): boolean {
    return STRATEGIES.some((s) => this.tasks[s].busy);
  }
  get results(): Partial<Record<Strategy, AllocationResult>> {
    const out: Partial<Record<Strategy, AllocationResult>> = {};
    for (const s of STRATEGIES) {
      const r = this.tasks[s].result;
      if (r) out[s] = r;
    }
    return out;
  }

  async loadSample(force = false): Promise<void> {
    if (!force && !this.doc.empty) return;
    this.sampleState = 'loading';
    try {
      this.doc.set(await getSample<AllocationRequestLike>('allocation'));
      this.sampleState = 'loaded';
      this.sampleError = undefined;
    } catch (e) {
      this.sampleState = 'error';
      this.sampleError = describeError(e);
    }
  }

  async run(): Promise<void> {
    const request = this.doc.value;
    if (!request || typeof request !== 'object') return;
    const chosen = STRATEGIES.filter((s) => this.selected[s]);
    if (chosen.length && this.focus !== 'compare' && !chosen.includes(this.focus)) this.focus = chosen[0]!;
    for (const s of STRATEGIES) if (!this.selected[s]) this.tasks[s].reset();
    // One run per strategy, in parallel: the server queues them on its workers.
    await Promise.all(
      chosen.map(async (s) => {
        const body = { ...request, options: { ...(request.options ?? {}), strategy: s } };
        const rec = await this.tasks[s].start(body);
        if (rec) this.ranOn = { ...this.ranOn, [s]: request };
      }),
    );
    if (chosen.length > 1 && chosen.every((s) => this.tasks[s].result)) this.focus = this.focus === 'compare' ? 'compare' : this.focus;
  }

  /** Shows a stored run under its strategy; its request fills an empty editor. */
  async open(runId: string): Promise<string | undefined> {
    try {
      const { run, log } = await api.getRun(runId);
      if (run.kind !== 'allocation') return `run ${runId} is a ${run.kind} run`;
      const named = (run.output as AllocationResult | null)?.strategy ?? (run.input as AllocationRequestLike | null)?.options?.strategy;
      const strategy: Strategy = STRATEGIES.includes(named as Strategy) ? (named as Strategy) : 'exact';
      this.tasks[strategy].adopt(run, log);
      this.focus = strategy;
      if (run.input) {
        this.ranOn = { ...this.ranOn, [strategy]: run.input as AllocationRequestLike };
        if (this.doc.empty) this.doc.set(run.input as AllocationRequestLike);
      }
      return undefined;
    } catch (e) {
      return describeError(e);
    }
  }
}

export const allocation = new AllocationStore();
