import { api, describeError, getSample } from '../../lib/api.js';
import { JsonDoc } from '../../lib/json-doc.svelte.js';
import { RunTask } from '../../lib/run-task.svelte.js';
import type { ExecutionRequestLike, ExecutionResult } from './types.js';

class ExecutionStore {
  readonly doc = new JsonDoc<ExecutionRequestLike>();
  readonly task = new RunTask<ExecutionResult>('execution');
  sampleState = $state<'idle' | 'loading' | 'loaded' | 'error'>('idle');
  sampleError = $state<string | undefined>(undefined);
  ranOn = $state.raw<ExecutionRequestLike | undefined>(undefined);

  async loadSample(force = false): Promise<void> {
    if (!force && !this.doc.empty) return;
    this.sampleState = 'loading';
    try {
      this.doc.set(await getSample<ExecutionRequestLike>('execution'));
      this.sampleState = 'loaded';
    } catch (e) {
      this.sampleState = 'error';
      this.sampleError = describeError(e);
    }
  }

  async run(): Promise<void> {
    const request = this.doc.value;
    if (!request) return;
    const rec = await this.task.start(request);
    if (rec) this.ranOn = request;
  }

  async open(id: string): Promise<string | undefined> {
    try {
      const { run, log } = await api.getRun(id);
      if (run.kind !== 'execution') return `run ${id} is a ${run.kind} run`;
      this.task.adopt(run, log);
      this.ranOn = run.input as ExecutionRequestLike;
      if (this.doc.empty) this.doc.set(run.input as ExecutionRequestLike);
      return undefined;
    } catch (e) {
      return describeError(e);
    }
  }
}

export const execution = new ExecutionStore();
