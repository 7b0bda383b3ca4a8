import type { RunKind } from '../store/types.js';

/** What an engine run may report while it works (progress lines for SSE and the run log). */
export interface EngineContext {
  /** The run's id in the store (engines stamp it into their own audit records). */
  readonly runId: string;
  readonly signal: AbortSignal;
  progress(message: string, data?: unknown): void;
}

export interface EngineOutcome {
  /** The engine's own status string (`optimal`, `infeasible`, `solved`, …). */
  readonly outcome: string;
  readonly output: unknown;
}

/**
 * One engine as the service sees it. `parse` validates fully (schema and semantics) and throws
 * an InputError naming fields — it runs in the request, before a run exists. `run` does the work
 * on parsed input; infeasible and the like are outcomes, not errors.
 */
export interface Engine<I = unknown> {
  readonly kind: RunKind;
  parse(body: unknown): I | Promise<I>;
  /** A size measure of parsed input; requests above the engine's threshold run asynchronously. */
  size(input: I): number;
  readonly asyncAbove: number;
  run(input: I, ctx: EngineContext): Promise<EngineOutcome>;
  /**
   * Further POST routes (relative to /v1) that run this engine on a differently shaped body,
   * e.g. the rotation replay; each parses to the engine's own input type.
   */
  readonly variants?: Readonly<Record<string, (body: unknown) => I | Promise<I>>>;
  /** The bundled sample request (what `keel <command>` runs without a file). */
  sample?(): unknown;
  /**
   * Per-scenario values of one quantity of a finished run (the allocation's constrained
   * quantities), recomputed from the stored request and result; `query` names which.
   */
  scenarioValues?(storedInput: unknown, output: unknown, query: Readonly<Record<string, string>>): Promise<{ values: number[]; [k: string]: unknown }>;
  /** OMS orders of a finished run as CSV, for engines that produce orders. */
  ordersCsv?(output: unknown): string | undefined;
  /** JSON Schemas of the request and result for the OpenAPI document. */
  readonly openapi?: { readonly request: object; readonly result?: object; readonly summary: string };
}

export type EngineRegistry = Partial<Record<RunKind, Engine<never>>>;

/** Runs an engine somewhere: in this thread (tests) or in a worker pool (the server). */
export interface EngineRunner {
  run(kind: RunKind, input: unknown, ctx: EngineContext): Promise<EngineOutcome>;
  close(): Promise<void>;
}

export function inProcessRunner(engines: EngineRegistry): EngineRunner {
  return {
    async run(kind, input, ctx) {
      const engine = engines[kind] as Engine<unknown> | undefined;
      if (!engine) throw new Error(`no engine for ${kind}`);
      return engine.run(input, ctx);
    },
    async close() {},
  };
}
