import type { Context } from 'hono';
import { InputError } from '@keel/core';

/** Keys that could reach an object's prototype if a body were ever merged into an object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
export const MAX_JSON_DEPTH = 64;

/**
 * Reads a JSON body defensively: the content type must say JSON, malformed text is a 400 with
 * the parser's message, prototype-polluting keys and absurd nesting are refused by path.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) throw new InputError({ path: '(body)', message: 'Content-Type must be application/json' });
  const text = await c.req.text();
  if (!text.trim()) throw new InputError({ path: '(body)', message: 'empty body' });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError({ path: '(body)', message: `malformed JSON: ${(e as Error).message}` });
  }
  checkShape(data);
  return data;
}

/** Iterative walk (no recursion to blow the stack) over the parsed body. */
export function checkShape(root: unknown): void {
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: root, path: '', depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) throw new InputError({ path: path || '(body)', message: `nesting deeper than ${MAX_JSON_DEPTH} levels` });
    if (Array.isArray(v)) {
      // Arrays of numbers (scenario matrices) are the bulk of big bodies: skip their scalars fast.
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (x !== null && typeof x === 'object') stack.push({ v: x, path: `${path}[${i}]`, depth: depth + 1 });
      }
      continue;
    }
    for (const k of Object.keys(v)) {
      const p = path ? `${path}.${k}` : k;
      if (FORBIDDEN_KEYS.has(k)) throw new InputError({ path: p, message: `key "${k}" is not allowed` });
      stack.push({ v: (v as Record<string, unknown>)[k], path: p, depth: depth + 1 });
    }
  }
}
