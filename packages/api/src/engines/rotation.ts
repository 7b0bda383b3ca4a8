import { z } from 'zod';
import { parseOrThrow } from '@keel/core';
import { formatOmsCsv } from '@keel/core/orders';
import {
  compareHysteresis,
  generateSampleDay,
  parseRotationRequest,
  rotate,
  rotationRequestSchema,
  sampleRotationRequest,
  type CycleReport,
  type ReplaySummary,
  type RotationResult,
} from '@keel/core/rotation';
import type { Engine } from '../jobs/engine.js';
import { jsonSchemaOf, takeField } from './util.js';

const ENGINES = ['greedy', 'qp'] as const;
type RotationEngineName = (typeof ENGINES)[number];

type JsonObject = { properties?: Record<string, unknown> } & Record<string, unknown>;
const withEngineField = (s: JsonObject): JsonObject => ({
  ...s,
  properties: { ...s.properties, engine: { enum: [...ENGINES], default: 'greedy', description: 'API field: which rotation engine runs' } },
});

/** POST /v1/rotation/replay: the seeded sample day, with and without the bands. */
export const ReplayRequestSchema = z
  .object({
    engine: z.enum(ENGINES).default('greedy'),
    seed: z.number().int().min(0).max(2 ** 31).default(1),
    /** Names in the sample day; the QP replay solves one dense QP per bar, so it defaults smaller. */
    names: z.number().int().min(25).max(3000).optional(),
  })
  .strict();

export type RotationInput =
  | { readonly mode: 'cycle'; readonly engine: RotationEngineName; readonly request: unknown }
  | { readonly mode: 'replay'; readonly engine: RotationEngineName; readonly seed: number; readonly names: number };

/** Per-bar figures for the UI's turnover chart. */
export interface ReplayBar {
  readonly minute: number;
  readonly trade: boolean;
  readonly orders: number;
  readonly tradedNotional: number;
  readonly bookSize: number;
}

export interface ReplayOutput {
  readonly band: ReplaySummary & { readonly perBar: readonly ReplayBar[] };
  readonly noBand: ReplaySummary & { readonly perBar: readonly ReplayBar[] };
}

function replay(input: Extract<RotationInput, { mode: 'replay' }>, progress: (m: string) => void): ReplayOutput {
  const day = generateSampleDay({ seed: input.seed, names: input.names });
  const runs: ReplayBar[][] = [[], []];
  let which = 0;
  const onCycle = (r: CycleReport) => {
    runs[which]!.push({
      minute: r.minute,
      trade: r.trade,
      orders: r.orders,
      tradedNotional: r.fills.reduce((s, f) => s + f.shares * f.price, 0),
      bookSize: r.bookSize,
    });
    const done = runs[which]!.length;
    if (done % 10 === 0) progress(`${which === 0 ? 'with' : 'without'} bands: bar ${done}/${day.bars.length}`);
    if (done === day.bars.length) which = 1;
  };
  const { band, noBand } = compareHysteresis(day, { engine: input.engine, cash: 1e6, onCycle });
  return { band: { ...band, perBar: runs[0]! }, noBand: { ...noBand, perBar: runs[1]! } };
}

export const rotationEngine: Engine<RotationInput> = {
  kind: 'rotation',
  // The API adds one field to the RotationRequest: `engine` (greedy | qp; default greedy).
  parse(body) {
    const { value, rest } = takeField(body, 'engine', ENGINES);
    parseRotationRequest(rest);
    return { mode: 'cycle', engine: value ?? 'greedy', request: rest };
  },
  variants: {
    '/rotation/replay': (body) => {
      const r = parseOrThrow(ReplayRequestSchema, body);
      return { mode: 'replay', engine: r.engine, seed: r.seed, names: r.names ?? (r.engine === 'qp' ? 100 : 500) };
    },
  },
  size(i) {
    if (i.mode === 'replay') return Number.POSITIVE_INFINITY; // a day of cycles: always in the background
    const u = (i.request as { universe?: unknown[] }).universe?.length ?? 0;
    return i.engine === 'qp' ? u * u : u;
  },
  asyncAbove: 4_000_000,
  async run(input, ctx) {
    if (input.mode === 'replay') {
      const out = replay(input, (m) => ctx.progress(m));
      return { outcome: 'replayed', output: out };
    }
    const result = await rotate(input.request, { engine: input.engine });
    return { outcome: String((result.info as { status?: string }).status ?? (result.decision.trade ? 'trade' : 'hold')), output: result };
  },
  sample: () => sampleRotationRequest(),
  ordersCsv: (output) => {
    const orders = (output as Partial<RotationResult>).orders;
    return orders ? formatOmsCsv(orders) : undefined;
  },
  openapi: {
    request: withEngineField(jsonSchemaOf(rotationRequestSchema) as JsonObject),
    summary: 'One rotation cycle: targets, changes with reasons, policy decision and orders (MODELS.md §4)',
  },
};
