import { InputError, type InputIssue } from '../errors/index.js';
import type { DenseScenarioSpec, StructuredScenarioSpec, Tail, TailSettings } from './types.js';
import { TAILS } from './types.js';

// Validation runs before any work: sizes first (cheap), then finiteness. Every failure names
// the field and, for array entries, the flat index and its (row, column) meaning.

/** Typed arrays are capped well below this; it keeps K·S and S·N products exact doubles. */
const MAX_ENTRIES = 2 ** 40;

function checkCount(issues: InputIssue[], path: string, v: unknown, min: number): v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > MAX_ENTRIES) {
    issues.push({ path, message: `must be an integer in [${min}, 2^40] (got ${String(v)})` });
    return false;
  }
  return true;
}

function checkArray(
  issues: InputIssue[],
  path: string,
  a: unknown,
  ctor: typeof Float64Array | typeof Int32Array,
  length: number,
  shape: string,
): boolean {
  if (!(a instanceof ctor)) {
    issues.push({ path, message: `must be a ${ctor.name}` });
    return false;
  }
  if (a.length !== length) {
    issues.push({ path, message: `length ${a.length} ≠ ${shape} = ${length}` });
    return false;
  }
  return true;
}

/** Index of the first NaN/±Infinity, or −1. */
export function firstNonFinite(a: Float64Array): number {
  for (let i = 0; i < a.length; i++) {
    // x − x is 0 for finite x and NaN for NaN/±Infinity: one compare per entry.
    const x = a[i]!;
    if (x - x !== 0) return i;
  }
  return -1;
}

function checkFinite(issues: InputIssue[], path: string, a: Float64Array, cols: number, rowName: string, colName: string) {
  const i = firstNonFinite(a);
  if (i >= 0) {
    const where = cols > 0 ? ` (${rowName} ${Math.floor(i / cols)}, ${colName} ${i % cols})` : '';
    issues.push({ path: `${path}[${i}]`, message: `must be finite (got ${a[i]})${where}` });
  }
}

function throwIf(issues: InputIssue[]): void {
  if (issues.length) throw new InputError(issues);
}

/** Typed arrays hold at most 2^32 − 1 elements here; the K × S output must fit in one. */
const MAX_OUTPUT = 2 ** 32 - 1;

function checkOut(issues: InputIssue[], out: unknown, holders: number, scenarios: number, inputs: readonly (ArrayBufferView | undefined)[]) {
  if (holders * scenarios > MAX_OUTPUT) {
    issues.push({ path: 'scenarios', message: `holders × scenarios = ${holders * scenarios} exceeds one Float64Array (${MAX_OUTPUT})` });
    return;
  }
  if (out === undefined) return;
  if (!checkArray(issues, 'out', out, Float64Array, holders * scenarios, 'holders × scenarios')) return;
  const o = out as Float64Array;
  for (const a of inputs) {
    if (a && a.buffer === o.buffer && a.byteOffset < o.byteOffset + o.byteLength && o.byteOffset < a.byteOffset + a.byteLength) {
      issues.push({ path: 'out', message: 'must not overlap an input array' });
      return;
    }
  }
}

/**
 * Sizes, overlap and finiteness of everything but `scenarioValues`, whose finiteness is checked
 * by the product itself (`checkDenseResult`): a separate scan of the S × N matrix would cost
 * as much memory traffic as the product.
 */
export function validateDenseSpec(spec: DenseScenarioSpec, out?: Float64Array): void {
  const issues: InputIssue[] = [];
  checkCount(issues, 'items', spec.items, 1);
  checkCount(issues, 'holders', spec.holders, 1);
  checkCount(issues, 'scenarios', spec.scenarios, 1);
  throwIf(issues);
  const { items: N, holders: K, scenarios: S } = spec;
  const okH = checkArray(issues, 'holderWeights', spec.holderWeights, Float64Array, K * N, 'holders × items');
  checkArray(issues, 'scenarioValues', spec.scenarioValues, Float64Array, S * N, 'scenarios × items');
  const okB = spec.itemBase === undefined || checkArray(issues, 'itemBase', spec.itemBase, Float64Array, N, 'items');
  checkOut(issues, out, K, S, [spec.holderWeights, spec.scenarioValues, spec.itemBase]);
  throwIf(issues);
  if (okH) checkFinite(issues, 'holderWeights', spec.holderWeights, N, 'holder', 'item');
  if (okB && spec.itemBase) checkFinite(issues, 'itemBase', spec.itemBase, 0, '', '');
  throwIf(issues);
}

/**
 * After the dense product: a NaN/±Infinity anywhere in row s of R makes every v[k,s] non-finite
 * (0·∞ and ∞ − ∞ are NaN), so a finite result proves a finite R. Otherwise `out` is filled with
 * NaN (no partial result survives) and the first offending entry is named.
 */
export function checkDenseResult(spec: DenseScenarioSpec, out: Float64Array, scan: (a: Float64Array) => number): void {
  if (firstNonFinite(out) < 0) return;
  out.fill(Number.NaN);
  const i = scan(spec.scenarioValues);
  if (i >= 0) {
    const N = spec.items;
    throw new InputError({
      path: `scenarioValues[${i}]`,
      message: `must be finite (got ${spec.scenarioValues[i]}) (scenario ${Math.floor(i / N)}, item ${i % N})`,
    });
  }
  throw new InputError({ path: 'scenarioValues', message: 'holder values overflow float64 (weights × values too large)' });
}

export function validateStructuredSpec(spec: StructuredScenarioSpec, out?: Float64Array): void {
  const issues: InputIssue[] = [];
  checkCount(issues, 'items', spec.items, 1);
  checkCount(issues, 'holders', spec.holders, 1);
  checkCount(issues, 'scenarios', spec.scenarios, 1);
  checkCount(issues, 'factors', spec.factors, 1);
  throwIf(issues);
  const { items: N, holders: K, scenarios: S, factors: B } = spec;
  checkArray(issues, 'holderWeights', spec.holderWeights, Float64Array, K * N, 'holders × items');
  checkArray(issues, 'shocks', spec.shocks, Float64Array, S * B, 'scenarios × factors');
  if (spec.itemBase !== undefined) checkArray(issues, 'itemBase', spec.itemBase, Float64Array, N, 'items');
  const e = spec.exposure as unknown;
  const inputs: (ArrayBufferView | undefined)[] = [spec.holderWeights, spec.shocks, spec.itemBase];
  if (typeof e !== 'object' || e === null || !('kind' in e) || (e.kind !== 'dense' && e.kind !== 'sparse')) {
    issues.push({ path: 'exposure.kind', message: 'must be "dense" or "sparse"' });
  } else if (spec.exposure.kind === 'dense') {
    const x = spec.exposure;
    checkArray(issues, 'exposure.first', x.first, Float64Array, N * B, 'items × factors');
    if (x.second !== undefined) checkArray(issues, 'exposure.second', x.second, Float64Array, N * B, 'items × factors');
    inputs.push(x.first, x.second);
  } else {
    const x = spec.exposure;
    inputs.push(x.rowPtr, x.bucket, x.first, x.second);
    if (checkArray(issues, 'exposure.rowPtr', x.rowPtr, Int32Array, N + 1, 'items + 1')) {
      if (x.rowPtr[0] !== 0) issues.push({ path: 'exposure.rowPtr[0]', message: `must be 0 (got ${x.rowPtr[0]})` });
      for (let n = 0; n < N; n++) {
        if (x.rowPtr[n + 1]! < x.rowPtr[n]!) {
          issues.push({ path: `exposure.rowPtr[${n + 1}]`, message: `must be ≥ rowPtr[${n}] = ${x.rowPtr[n]} (got ${x.rowPtr[n + 1]})` });
          break;
        }
      }
      throwIf(issues);
      const nnz = x.rowPtr[N]!;
      if (checkArray(issues, 'exposure.bucket', x.bucket, Int32Array, nnz, 'rowPtr[items]')) {
        for (let p = 0; p < nnz; p++) {
          const b = x.bucket[p]!;
          if (b < 0 || b >= B) {
            issues.push({ path: `exposure.bucket[${p}]`, message: `must be in 0..${B - 1} (got ${b})` });
            break;
          }
        }
      }
      checkArray(issues, 'exposure.first', x.first, Float64Array, nnz, 'rowPtr[items]');
      if (x.second !== undefined) checkArray(issues, 'exposure.second', x.second, Float64Array, nnz, 'rowPtr[items]');
    }
  }
  checkOut(issues, out, K, S, inputs);
  throwIf(issues);
  const dense = spec.exposure.kind === 'dense';
  checkFinite(issues, 'holderWeights', spec.holderWeights, N, 'holder', 'item');
  checkFinite(issues, 'shocks', spec.shocks, B, 'scenario', 'factor');
  if (spec.itemBase) checkFinite(issues, 'itemBase', spec.itemBase, 0, '', '');
  checkFinite(issues, 'exposure.first', spec.exposure.first, dense ? B : 0, 'item', 'factor');
  if (spec.exposure.second) checkFinite(issues, 'exposure.second', spec.exposure.second, dense ? B : 0, 'item', 'factor');
  throwIf(issues);
}

export function validateTailInput(values: Float64Array, holders: number, scenarios: number, settings: TailSettings): Tail {
  const issues: InputIssue[] = [];
  checkCount(issues, 'holders', holders, 1);
  checkCount(issues, 'scenarios', scenarios, 1);
  const a = settings?.alpha;
  if (typeof a !== 'number' || !(a >= 0 && a < 1)) issues.push({ path: 'alpha', message: `must be in [0, 1) (got ${String(a)})` });
  const tail = settings?.tail ?? 'low';
  if (!(TAILS as readonly string[]).includes(tail)) issues.push({ path: 'tail', message: `must be one of ${TAILS.join(', ')} (got "${String(tail)}")` });
  throwIf(issues);
  if (checkArray(issues, 'values', values, Float64Array, holders * scenarios, 'holders × scenarios')) {
    checkFinite(issues, 'values', values, scenarios, 'holder', 'scenario');
  }
  throwIf(issues);
  return tail;
}
