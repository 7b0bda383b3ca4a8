import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { isInputError, type InputIssue } from '@keel/core';
import { QueueFullError } from './jobs/queue.js';
import { StoreError } from './store/types.js';

/** Every error body has this one shape; `issues` lists field-level problems for 400s. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly issues?: readonly InputIssue[] };
}

export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 503,
    readonly code: string,
    message: string,
    readonly issues?: readonly InputIssue[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) } };
  }
}

/** Maps anything thrown in a handler to a response; never leaks a stack trace. */
export function toErrorResponse(err: unknown, c: Context): Response {
  const e = classify(err);
  if (e.status >= 500) console.error('[keel] internal error:', err);
  for (const [k, v] of Object.entries(e.headers)) c.header(k, v);
  return c.json(e.body(), e.status);
}

function classify(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isInputError(err)) return new ApiError(400, 'invalid_input', 'invalid input', err.issues.slice(0, 200));
  if (err instanceof QueueFullError)
    return new ApiError(429, 'queue_full', 'the run queue is full; retry later', undefined, { 'Retry-After': String(err.retryAfterSec) });
  if (err instanceof StoreError && err.code === 'not_found') return new ApiError(404, 'not_found', err.message);
  if (err instanceof HTTPException) {
    const status = err.status;
    if (status === 413) return new ApiError(413, 'payload_too_large', 'request body too large');
    if (status === 401) return new ApiError(401, 'unauthorized', err.message || 'unauthorized');
    if (status === 403) return new ApiError(403, 'forbidden', err.message || 'forbidden');
    if (status === 404) return new ApiError(404, 'not_found', err.message || 'not found');
    if (status >= 400 && status < 500) return new ApiError(400, 'bad_request', err.message || 'bad request');
  }
  return new ApiError(500, 'internal', 'internal error');
}
