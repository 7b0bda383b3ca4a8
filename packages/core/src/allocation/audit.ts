/**
 * The audit record of a run: who can reproduce it from what. `inputHash` is the sha256 of the
 * canonical JSON (keys sorted at every level, no whitespace) of the parsed request with every
 * default filled in, so two requests that mean the same hash the same.
 */
import { createHash, randomUUID } from 'node:crypto';
import { KEEL_VERSION } from '../version.js';
import type { AllocationRequest } from './schema.js';
import type { AllocationSettings, AuditRecord } from './types.js';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function hashRequest(request: AllocationRequest): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

export function buildAuditRecord(
  request: AllocationRequest,
  settings: AllocationSettings,
  opts: { runId?: string; now?: Date } = {},
): AuditRecord {
  return {
    runId: opts.runId ?? randomUUID(),
    inputHash: hashRequest(request),
    version: KEEL_VERSION,
    createdAt: (opts.now ?? new Date()).toISOString(),
    strategy: settings.strategy,
    settings,
  };
}
