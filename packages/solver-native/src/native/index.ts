/**
 * Loads the Rust N-API addon (`native/keel_native.node`, built by `scripts/build-native.mjs`)
 * and decides, per call, between it and the TypeScript fallback.
 *
 * `KEEL_BACKEND=ts|native` forces a path for the whole process (tests, benchmarks, users
 * without cargo); an explicit `backend` option of a call wins over it. Forcing `native` when
 * the addon cannot load is an error that says why. Falling back to TS is announced once on
 * stderr.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Must equal `ABI_VERSION` in crates/node/src/lib.rs; a stale addon is refused. */
export const NATIVE_ABI_VERSION = 2;

export type Backend = 'native' | 'ts';

export interface NativeStatus {
  readonly available: boolean;
  /** Why it is unavailable, or where it was loaded from. */
  readonly reason: string;
}

/** What every build of the addon exports; binding modules describe their own functions. */
export interface NativeAddonBase {
  readonly abiVersion: number;
  /** Test hook: panics inside Rust ('main' thread or a scoped 'thread'); must throw, never crash. */
  __testPanic(kind: 'main' | 'thread'): void;
}

export const NATIVE_ADDON_PATH = fileURLToPath(new URL('../../native/keel_native.node', import.meta.url));

let loaded: { status: NativeStatus; addon?: NativeAddonBase } | undefined;

function load(): { status: NativeStatus; addon?: NativeAddonBase } {
  if (loaded) return loaded;
  if (!existsSync(NATIVE_ADDON_PATH)) {
    loaded = {
      status: { available: false, reason: `${NATIVE_ADDON_PATH} is not built (run \`pnpm --filter @keel/solver-native build\`; needs cargo)` },
    };
    return loaded;
  }
  try {
    const addon = createRequire(import.meta.url)(NATIVE_ADDON_PATH) as NativeAddonBase;
    if (addon.abiVersion !== NATIVE_ABI_VERSION) {
      loaded = {
        status: { available: false, reason: `stale addon (abi ${String(addon.abiVersion)}, expected ${NATIVE_ABI_VERSION}); rebuild it` },
      };
    } else {
      loaded = { status: { available: true, reason: `loaded from ${NATIVE_ADDON_PATH}` }, addon };
    }
  } catch (e) {
    loaded = { status: { available: false, reason: `failed to load ${NATIVE_ADDON_PATH}: ${(e as Error).message}` } };
  }
  return loaded;
}

/** Whether the addon loads in this process, and why not. */
export function nativeStatus(): NativeStatus {
  return load().status;
}

/** The loaded addon, typed by the caller's binding interface; throws when unavailable. */
export function nativeAddon<T extends object = NativeAddonBase>(): NativeAddonBase & T {
  const { status, addon } = load();
  if (!addon) throw new Error(`native backend unavailable: ${status.reason}`);
  return addon as NativeAddonBase & T;
}

/** `KEEL_BACKEND` from the environment, validated. */
export function backendFromEnv(): Backend | undefined {
  const v = process.env.KEEL_BACKEND?.trim();
  if (!v) return undefined;
  if (v === 'native' || v === 'ts') return v;
  throw new Error(`KEEL_BACKEND must be 'native' or 'ts', got '${v}'`);
}

let warned = false;

/**
 * The backend to use: `requested`, else `KEEL_BACKEND`, else native when it loads. A forced
 * native backend that cannot load throws; an unforced fallback says so once on stderr.
 */
export function chooseBackend(requested?: Backend): Backend {
  const forced = requested ?? backendFromEnv();
  if (forced === 'ts') return 'ts';
  const { status } = load();
  if (forced === 'native') {
    if (!status.available) {
      const how = requested ? 'backend: "native" was requested' : 'KEEL_BACKEND=native is set';
      throw new Error(`${how} but the native addon is unavailable: ${status.reason}`);
    }
    return 'native';
  }
  if (status.available) return 'native';
  if (!warned) {
    warned = true;
    process.stderr.write(`[keel] native addon unavailable, using the TypeScript fallback: ${status.reason}\n`);
  }
  return 'ts';
}
