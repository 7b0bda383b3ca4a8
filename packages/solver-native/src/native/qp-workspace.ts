/**
 * The native QP backend: a thin class over the addon's `qp*` functions (crates/node/src/qp.rs),
 * which run `keel-qp` (the OSQP algorithm in Rust). Input errors thrown by Rust (code
 * `KEEL_INPUT`, message `path: reason`) become `InputError`s, like the TS backend's.
 */
import { InputError } from '../errors/index.js';
import { resolveQpSettings, UPDATABLE_QP_SETTINGS } from '../qp/settings.js';
import type { QpProblem, QpResult, QpSettings, QpWorkspace } from '../qp/types.js';
import { nativeAddon } from './index.js';

declare const handleBrand: unique symbol;
/** Opaque native workspace handle (a type-tagged N-API external). */
export type NativeQpHandle = { readonly [handleBrand]: true };

export type QpSettingsUpdate = Parameters<QpWorkspace['updateSettings']>[0];

/** The addon's QP functions. */
export interface QpAddon {
  qpSetup(problem: QpProblem, settings: QpSettings): NativeQpHandle;
  qpSolve(handle: NativeQpHandle): QpResult;
  qpUpdateQ(handle: NativeQpHandle, q: Float64Array): void;
  qpUpdateBounds(handle: NativeQpHandle, l: Float64Array, u: Float64Array): void;
  qpUpdatePValues(handle: NativeQpHandle, values: Float64Array): void;
  qpUpdateAValues(handle: NativeQpHandle, values: Float64Array): void;
  qpUpdateSettings(handle: NativeQpHandle, settings: QpSettingsUpdate): void;
  qpWarmStart(handle: NativeQpHandle, x?: Float64Array, y?: Float64Array): void;
  qpDispose(handle: NativeQpHandle): void;
}

/** Rust's input errors as `InputError`s (same kind of error as the TS backend throws). */
export function fromNativeError(e: unknown): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (e instanceof Error && (code === 'KEEL_INPUT' || code === 'KEEL_QP_NONCONVEX')) {
    const cut = e.message.indexOf(': ');
    return cut > 0
      ? new InputError({ path: e.message.slice(0, cut), message: e.message.slice(cut + 2) })
      : new InputError({ path: '', message: e.message });
  }
  return e;
}

function call<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw fromNativeError(e);
  }
}

export class NativeQpWorkspace implements QpWorkspace {
  readonly backend = 'native' as const;
  private readonly addon: QpAddon;
  private handle: NativeQpHandle | undefined;

  /** Expects a validated problem and resolved settings (the facade does both). */
  constructor(problem: QpProblem, settings: QpSettings) {
    this.addon = nativeAddon<QpAddon>();
    this.handle = call(() => this.addon.qpSetup(problem, settings));
  }

  private live(): NativeQpHandle {
    if (!this.handle) throw new Error('QP workspace used after dispose()');
    return this.handle;
  }

  solve(): QpResult {
    const h = this.live();
    return call(() => this.addon.qpSolve(h));
  }
  updateQ(q: Float64Array): void {
    const h = this.live();
    call(() => this.addon.qpUpdateQ(h, q));
  }
  updateBounds(l: Float64Array, u: Float64Array): void {
    const h = this.live();
    call(() => this.addon.qpUpdateBounds(h, l, u));
  }
  updatePValues(values: Float64Array): void {
    const h = this.live();
    call(() => this.addon.qpUpdatePValues(h, values));
  }
  updateAValues(values: Float64Array): void {
    const h = this.live();
    call(() => this.addon.qpUpdateAValues(h, values));
  }
  updateSettings(settings: QpSettingsUpdate): void {
    const h = this.live();
    // Same checks and messages as the TS backend: only updatable keys, each validated.
    for (const key of Object.keys(settings)) {
      if (!(UPDATABLE_QP_SETTINGS as readonly string[]).includes(key)) {
        throw new InputError({ path: `settings.${key}`, message: `cannot be changed after setup (updatable: ${UPDATABLE_QP_SETTINGS.join(', ')})` });
      }
    }
    resolveQpSettings(settings);
    call(() => this.addon.qpUpdateSettings(h, settings));
  }
  warmStart(x?: Float64Array, y?: Float64Array): void {
    const h = this.live();
    call(() => this.addon.qpWarmStart(h, x, y));
  }
  /** Frees the native memory now; idempotent. */
  dispose(): void {
    if (this.handle) this.addon.qpDispose(this.handle);
    this.handle = undefined;
  }
}
