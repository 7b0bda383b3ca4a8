import { z } from 'zod';
import { InputError } from '@keel/core';

/** JSON Schema of a Zod schema's input side, for the OpenAPI document. */
export const jsonSchemaOf = (schema: z.ZodType): object => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

/** Splits an API-level field (not part of the engine's own contract) off a request body. */
export function takeField<T extends string>(body: unknown, field: string, allowed: readonly T[]): { value: T | undefined; rest: unknown } {
  if (!body || typeof body !== 'object' || Array.isArray(body) || !(field in body)) return { value: undefined, rest: body };
  const { [field]: raw, ...rest } = body as Record<string, unknown>;
  if (raw === undefined) return { value: undefined, rest };
  if (typeof raw !== 'string' || !(allowed as readonly string[]).includes(raw))
    throw new InputError({ path: field, message: `must be one of ${allowed.join(', ')}` });
  return { value: raw as T, rest };
}
