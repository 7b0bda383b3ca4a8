/*
 * A typed client for Keel's HTTP API, for the UI and other TypeScript services. Runtime code
 * is fetch only (no Node built-ins), so it bundles for the browser.
 */
import { ENGINE_PATHS } from '../paths.js';
import type { RunEvent, RunKind, RunRecord, RunState, RunSummary } from '../store/types.js';

export type { RunEvent, RunKind, RunRecord, RunState, RunSummary };

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** A non-2xx answer: `issues` holds the server's field-level errors for a 400. */
export class KeelApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
    readonly retryAfterSec?: number,
  ) {
    super(message);
    this.name = 'KeelApiError';
  }
}

export interface RunAnswer<R = unknown> {
  readonly runId: string;
  readonly state: RunState;
  readonly outcome?: string;
  readonly result?: R;
  readonly error?: { code: string; message: string };
  readonly links: { self: string; events: string };
}

export interface ClientOptions {
  /** e.g. `http://127.0.0.1:8787`; '' for same-origin (the UI). */
  readonly baseUrl?: string;
  readonly apiKey?: string;
  readonly fetch?: typeof fetch;
}

export interface KeelClient {
  run<R = unknown>(kind: RunKind, request: unknown, opts?: { async?: boolean; signal?: AbortSignal }): Promise<RunAnswer<R>>;
  listRuns(query?: { kind?: RunKind; state?: RunState; limit?: number; before?: string }): Promise<RunSummary[]>;
  getRun(id: string): Promise<{ run: RunRecord; log: RunEvent[] }>;
  ordersCsv(id: string): Promise<string>;
  /** Follows a run's server-sent events until it ends; resolves with the final record. */
  follow(id: string, onEvent: (ev: RunEvent) => void, signal?: AbortSignal): Promise<RunRecord>;
  health(): Promise<{ status: string; version: string }>;
}

export function createKeelClient(opts: ClientOptions = {}): KeelClient {
  const base = (opts.baseUrl ?? '').replace(/\/$/, '');
  const f = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const headers = (extra: Record<string, string> = {}) => ({
    ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
    ...extra,
  });

  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await f(`${base}${path}`, { ...init, headers: headers(init.headers as Record<string, string>) });
    if (res.ok) return res;
    let body: { error?: { code?: string; message?: string; issues?: FieldIssue[] } } = {};
    try {
      body = (await res.json()) as typeof body;
    } catch {
      /* not JSON */
    }
    const ra = res.headers.get('retry-after');
    throw new KeelApiError(res.status, body.error?.code ?? 'http_error', body.error?.message ?? res.statusText, body.error?.issues ?? [], ra ? Number(ra) : undefined);
  }
  const json = async <T>(path: string, init?: RequestInit) => (await (await call(path, init)).json()) as T;

  const client: KeelClient = {
    run: (kind, request, o = {}) =>
      json(`/v1${ENGINE_PATHS[kind]}${o.async === undefined ? '' : `?async=${o.async}`}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
        ...(o.signal ? { signal: o.signal } : {}),
      }),
    listRuns: async (q = {}) => {
      const p = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)]));
      return (await json<{ runs: RunSummary[] }>(`/v1/runs${p.size ? `?${p}` : ''}`)).runs;
    },
    getRun: (id) => json(`/v1/runs/${encodeURIComponent(id)}`),
    ordersCsv: async (id) => (await call(`/v1/runs/${encodeURIComponent(id)}/orders.csv`)).text(),
    health: () => json('/healthz'),
    async follow(id, onEvent, signal) {
      const res = await call(`/v1/runs/${encodeURIComponent(id)}/events`, { headers: { accept: 'text/event-stream' }, ...(signal ? { signal } : {}) });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let cut: number;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trimStart())
            .join('\n');
          if (data) onEvent(JSON.parse(data) as RunEvent);
        }
      }
      return (await client.getRun(id)).run;
    },
  };
  return client;
}
