export { createApp, DEFAULT_MAX_BODY_BYTES, type AppDeps, type KeelApp } from './app.js';
export { ApiError, type ErrorBody } from './errors.js';
export { JobQueue, QueueFullError, DEFAULT_QUEUE_SETTINGS, type QueueSettings } from './jobs/queue.js';
export { inProcessRunner, type Engine, type EngineContext, type EngineOutcome, type EngineRegistry, type EngineRunner } from './jobs/engine.js';
export { createMemoryRunStore } from './store/memory.js';
export { openDuckDbRunStore } from './store/duckdb.js';
export * from './store/types.js';
export { createMetrics, MetricsRegistry } from './metrics/registry.js';
export { createKey, KeyRing, loadKeys, saveKeys, ROLES, type Role, type StoredKey } from './auth/keys.js';
