import { formatOmsCsv } from '@keel/core/orders';
import { parseRotationRequest, rotate, rotationRequestSchema, type RotationResult } from '@keel/core/rotation';
import type { Engine } from '../jobs/engine.js';
import { jsonSchemaOf, takeField } from './util.js';

const ENGINES = ['greedy', 'qp'] as const;
type JsonObject = { properties?: Record<string, unknown> } & Record<string, unknown>;
const withEngineField = (s: JsonObject): JsonObject => ({
  ...s,
  properties: { ...s.properties, engine: { enum: [...ENGINES], default: 'greedy', description: 'API field: which rotation engine runs' } },
});

type RotationInput = { readonly engine: (typeof ENGINES)[number]; readonly request: unknown };

export const rotationEngine: Engine<RotationInput> = {
  kind: 'rotation',
  // The API adds one field to the RotationRequest: `engine` (greedy | qp; default greedy).
  parse(body) {
    const { value, rest } = takeField(body, 'engine', ENGINES);
    parseRotationRequest(rest);
    return { engine: value ?? 'greedy', request: rest };
  },
  size: (i) => {
    const u = (i.request as { universe?: unknown[] }).universe?.length ?? 0;
    return i.engine === 'qp' ? u * u : u;
  },
  asyncAbove: 4_000_000,
  async run(input) {
    const result = await rotate(input.request, { engine: input.engine });
    return { outcome: String((result.info as { status?: string }).status ?? (result.decision.trade ? 'trade' : 'hold')), output: result };
  },
  ordersCsv: (output) => formatOmsCsv((output as RotationResult).orders),
  openapi: {
    request: withEngineField(jsonSchemaOf(rotationRequestSchema) as JsonObject),
    summary: 'One rotation cycle: targets, changes with reasons, policy decision and orders (MODELS.md §4)',
  },
};

