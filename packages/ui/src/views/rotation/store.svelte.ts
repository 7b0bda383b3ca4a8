import { api, describeError, getSample } from '../../lib/api.js';
import { JsonDoc } from '../../lib/json-doc.svelte.js';
import { RunTask } from '../../lib/run-task.svelte.js';
import type { RotationEngine, RotationRequestLike, RotationResult } from './types.js';

/** The big matrices stay out of the editor (a 500×500 correlation is 5 MB of text). */
// Bulky risk inputs stay out of the JSON editor (summarised beside it) and are sent as they are.
const ASIDE = ['correlation', 'covariance', 'returns', 'factorModel'] as const;
type Aside = Partial<Record<(typeof ASIDE)[number], unknown>>;

function split(request: RotationRequestLike): { shown: RotationRequestLike; aside: Aside } {
  const shown: Record<string, unknown> = { ...request };
  const aside: Aside = {};
  for (const k of ASIDE) {
    if (k in shown) {
      aside[k] = shown[k];
      delete shown[k];
    }
  }
  return { shown: shown as RotationRequestLike, aside };
}

export function asideSummary(aside: Aside): string | undefined {
  const parts = ASIDE.flatMap((k) => {
    const v = aside[k];
    if (k === 'factorModel' && v && typeof v === 'object') {
      const f = v as { factors?: unknown[] };
      return [`factor model (${f.factors?.length ?? '?'} factors)`];
    }
    if (!Array.isArray(v)) return [];
    const cols = Array.isArray(v[0]) ? (v[0] as unknown[]).length : undefined;
    return [`${k} ${v.length}${cols !== undefined ? `×${cols}` : ''}`];
  });
  return parts.length ? parts.join(', ') : undefined;
}

class RotationStore {
  readonly doc = new JsonDoc<RotationRequestLike>();
  readonly task = new RunTask<RotationResult>('rotation');
  aside = $state.raw<Aside>({});
  engine = $state<RotationEngine>('greedy');
  sampleState = $state<'idle' | 'loading' | 'loaded' | 'error'>('idle');
  sampleError = $state<string | undefined>(undefined);
  ranOn = $state.raw<RotationRequestLike | undefined>(undefined);
  /** The replay runs in the background on the server (a day of cycles, twice). */
  readonly replayTask = new RunTask<unknown>('rotation');

  load(request: RotationRequestLike): void {
    const { shown, aside } = split(request);
    this.aside = aside;
    if (request.engine === 'greedy' || request.engine === 'qp') this.engine = request.engine;
    delete shown.engine;
    this.doc.set(shown);
  }

  async loadSample(force = false): Promise<void> {
    if (!force && !this.doc.empty) return;
    this.sampleState = 'loading';
    try {
      this.load(await getSample<RotationRequestLike>('rotation'));
      this.sampleState = 'loaded';
    } catch (e) {
      this.sampleState = 'error';
      this.sampleError = describeError(e);
    }
  }

  /** The request as sent: the editor's JSON, the matrices kept aside (unless the JSON has its own), the engine. */
  body(): RotationRequestLike | undefined {
    const shown = this.doc.value;
    if (!shown || typeof shown !== 'object') return undefined;
    const own = ASIDE.some((k) => k in shown);
    return { ...(own ? {} : this.aside), ...shown, engine: this.engine };
  }

  async run(): Promise<void> {
    const body = this.body();
    if (!body) return;
    const rec = await this.task.start(body);
    if (rec) this.ranOn = body;
  }

  async runReplay(): Promise<void> {
    await this.replayTask.start({ engine: this.engine }, '/rotation/replay');
  }

  async open(id: string): Promise<string | undefined> {
    try {
      const { run, log } = await api.getRun(id);
      if (run.kind !== 'rotation') return `run ${id} is a ${run.kind} run`;
      // A replay run answers `{band, noBand}`; a cycle stores its request (with the API's `engine`
      // field), older stores the parsed `{mode, engine, request}`.
      const input = run.input as (RotationRequestLike & { mode?: string; request?: RotationRequestLike }) | null;
      const output = run.output as { band?: unknown } | null;
      const isReplay = run.outcome === 'replayed' || input?.mode === 'replay' || (output && 'band' in output) || (input && !input.universe && !input.request);
      if (isReplay) {
        this.replayTask.adopt(run, log);
        if (input?.engine) this.engine = input.engine;
        return undefined;
      }
      this.task.adopt(run, log);
      const req = input?.request ?? input ?? undefined;
      if (input?.engine) this.engine = input.engine;
      this.ranOn = req;
      if (this.doc.empty && req) this.load(req);
      return undefined;
    } catch (e) {
      return describeError(e);
    }
  }
}

export const rotation = new RotationStore();
