/**
 * The UI's only way to the engines: HTTP to the same origin, through the API's typed client
 * plus the few routes it does not cover yet (samples, universe, replay).
 */
import { createKeelClient, KeelApiError, type FieldIssue, type RunEvent, type RunKind, type RunRecord, type RunState, type RunSummary } from '@keel/api/client';

export { KeelApiError };
export type { FieldIssue, RunEvent, RunKind, RunRecord, RunState, RunSummary };

export const api = createKeelClient({ baseUrl: '' });

/** JSON request with the client's error mapping (400 → KeelApiError with issues). */
export async function requestJson<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    ...(signal ? { signal } : {}),
  });
  // A server that serves the UI shell for unknown paths answers HTML: that route does not exist.
  if (res.ok && !/json/i.test(res.headers.get('content-type') ?? '')) throw new KeelApiError(404, 'not_found', `no route ${method} ${path.split('?')[0]}`);
  if (res.ok) return (await res.json()) as T;
  let err: { error?: { code?: string; message?: string; issues?: FieldIssue[] } } = {};
  try {
    err = (await res.json()) as typeof err;
  } catch {
    /* not JSON */
  }
  throw new KeelApiError(res.status, err.error?.code ?? 'http_error', err.error?.message ?? res.statusText, err.error?.issues ?? []);
}

export const SAMPLE_KINDS = ['allocation', 'execution', 'rotation', 'portfolio'] as const;
export type SampleKind = (typeof SAMPLE_KINDS)[number];

export const getSample = <T = unknown>(kind: SampleKind, signal?: AbortSignal): Promise<T> => requestJson<T>('GET', `/v1/samples/${kind}`, undefined, signal);

/** A short human message for anything a request threw. */
export function describeError(e: unknown): string {
  if (e instanceof KeelApiError) {
    if (e.status === 404 && /^no route/.test(e.message)) return `${e.message} (this server does not have that route yet)`;
    return e.issues.length ? `${e.message}: ${e.issues.length} field issue${e.issues.length > 1 ? 's' : ''}` : `${e.message} (HTTP ${e.status})`;
  }
  if (e instanceof DOMException && e.name === 'AbortError') return 'cancelled';
  return e instanceof Error ? e.message : String(e);
}
