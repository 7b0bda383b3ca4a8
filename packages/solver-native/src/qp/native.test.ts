import { describe, expect, it } from 'vitest';
import { isInputError } from '../errors/index.js';
import { nativeAddon, nativeStatus } from '../native/index.js';
import { NativeQpWorkspace, type QpAddon } from '../native/qp-workspace.js';
import { runQpConformance } from './conformance.case.js';
import { createQpWorkspace, DEFAULT_QP_SETTINGS, solveQp, solveQpAsync, type QpProblem } from './index.js';

const status = nativeStatus();
const skipReason = status.available ? '' : ` (skipped: ${status.reason})`;

if (status.available) {
  runQpConformance({ name: 'native', createWorkspace: (p, s) => createQpWorkspace(p, s, { backend: 'native' }) });
} else {
  describe.skip(`QP conformance: native${skipReason}`, () => {
    it('runs the shared suite', () => {});
  });
}

const i32 = (a: number[]) => Int32Array.from(a);
const f64 = (a: number[]) => Float64Array.from(a);

/** OSQP's demo problem: optimum x = (0.3, 0.7), objective 1.88. */
function demo(): QpProblem {
  return {
    n: 2,
    m: 3,
    P: { nRows: 2, nCols: 2, colPtr: i32([0, 1, 3]), rowIdx: i32([0, 0, 1]), values: f64([4, 1, 2]) },
    q: f64([1, 1]),
    A: { nRows: 3, nCols: 2, colPtr: i32([0, 2, 4]), rowIdx: i32([0, 1, 0, 2]), values: f64([1, 1, 1, 1]) },
    l: f64([1, 0, 0]),
    u: f64([1, 0.7, 0.7]),
  };
}

const tight = { epsAbs: 1e-9, epsRel: 1e-9, polish: true };

describe.skipIf(!status.available)(`native QP backend${skipReason}`, () => {
  it('solves, says it is native, and reads typed arrays at a byte offset', () => {
    const r = solveQp(demo(), tight, { backend: 'native' });
    expect(r.status).toBe('solved');
    expect(r.info.backend).toBe('native');
    expect(r.x[0]).toBeCloseTo(0.3, 8);
    expect(r.x[1]).toBeCloseTo(0.7, 8);
    expect(r.objective).toBeCloseTo(1.88, 8);

    // The same data as views into larger buffers with junk around them.
    const view = (a: Float64Array) => {
      const big = new Float64Array(a.length + 7).fill(NaN);
      big.set(a, 3);
      return big.subarray(3, 3 + a.length);
    };
    const viewI = (a: Int32Array) => {
      const big = new Int32Array(a.length + 5).fill(-99);
      big.set(a, 2);
      return big.subarray(2, 2 + a.length);
    };
    const p = demo();
    const shifted: QpProblem = {
      ...p,
      P: { ...p.P, colPtr: viewI(p.P.colPtr), rowIdx: viewI(p.P.rowIdx), values: view(p.P.values) },
      A: { ...p.A, colPtr: viewI(p.A.colPtr), rowIdx: viewI(p.A.rowIdx), values: view(p.A.values) },
      q: view(p.q),
      l: view(p.l),
      u: view(p.u),
    };
    const r2 = solveQp(shifted, tight, { backend: 'native' });
    expect(r2.x[0]).toBeCloseTo(0.3, 8);
    expect(r2.objective).toBeCloseTo(1.88, 8);
  });

  it('rejects bad problems with the same InputError as the TS backend', () => {
    const bad: [string, (p: QpProblem) => QpProblem][] = [
      ['l > u', (p) => ({ ...p, l: f64([2, 0, 0]) })],
      ['NaN in q', (p) => ({ ...p, q: f64([NaN, 1]) })],
      ['unsorted rows', (p) => ({ ...p, A: { ...p.A, rowIdx: i32([1, 0, 0, 2]) } })],
      ['row out of range', (p) => ({ ...p, A: { ...p.A, rowIdx: i32([0, 9, 0, 2]) } })],
      ['P lower entry', (p) => ({ ...p, P: { ...p.P, colPtr: i32([0, 2, 3]), rowIdx: i32([0, 1, 1]) } })],
      ['dimension mismatch', (p) => ({ ...p, u: f64([1, 0.7]) })],
    ];
    for (const [what, mutate] of bad) {
      const msgs = (['native', 'ts'] as const).map((backend) => {
        try {
          solveQp(mutate(demo()), {}, { backend });
        } catch (e) {
          expect(isInputError(e), what).toBe(true);
          return (e as Error).message;
        }
        throw new Error(`${what}: not rejected by ${backend}`);
      });
      expect(msgs[0], what).toBe(msgs[1]);
    }
  });

  it('turns Rust-side validation errors into InputErrors with paths', () => {
    // Straight to the workspace class, skipping the facade's TS validation.
    const p = demo();
    const cases: [QpProblem, string][] = [
      [{ ...p, A: { ...p.A, rowIdx: i32([0, 0, 0, 2]) } }, 'A.rowIdx[1]'],
      [{ ...p, P: { ...p.P, values: f64([4, Infinity, 2]) } }, 'P.values[1]'],
      [{ ...p, l: f64([1, 0, Infinity]) }, 'l[2]'],
      [{ ...p, q: f64([1]) }, 'q'],
    ];
    for (const [prob, path] of cases) {
      try {
        new NativeQpWorkspace(prob, DEFAULT_QP_SETTINGS);
        throw new Error(`not rejected: ${path}`);
      } catch (e) {
        expect(isInputError(e) && e.issues[0]?.path).toBe(path);
      }
    }
  });

  it('survives garbage passed straight to the binding (throws, never crashes)', () => {
    const addon = nativeAddon<QpAddon>();
    const p = demo();
    const s = DEFAULT_QP_SETTINGS;
    const big = 2 ** 31 - 1;
    const garbage: unknown[][] = [
      [],
      [null, s],
      [42, s],
      ['problem', s],
      [{}, s],
      [{ ...p, n: '2' }, s],
      [{ ...p, n: -1 }, s],
      [{ ...p, n: 1e12 }, s],
      [{ ...p, n: 2.5 }, s],
      [{ ...p, n: NaN }, s],
      [{ ...p, m: big }, s],
      [{ ...p, q: [1, 1] }, s],
      [{ ...p, q: new Float32Array(2) }, s],
      [{ ...p, P: null }, s],
      [{ ...p, P: { ...p.P, colPtr: f64([0, 1, 3]) } }, s],
      [{ ...p, P: { ...p.P, nRows: big, nCols: big } }, s],
      [{ ...p, A: { ...p.A, colPtr: i32([0, 2, big]) } }, s],
      [{ ...p, A: { ...p.A, colPtr: i32([0, -5, 4]) } }, s],
      [{ ...p, A: { ...p.A, rowIdx: i32([0, big, 0, 2]) } }, s],
      [{ ...p, A: { ...p.A, rowIdx: i32([0, -1, 0, 2]) } }, s],
      [{ ...p, A: { ...p.A, rowIdx: i32([0]) } }, s],
      [{ ...p, A: { ...p.A, values: f64([NaN, 1, 1, 1]) } }, s],
      [{ ...p, l: f64([NaN, 0, 0]) }, s],
      [{ ...p, r: 'zero' }, s],
      [p, null],
      [p, {}],
      [p, { ...s, maxIter: -3 }],
      [p, { ...s, rho: NaN }],
      [p, { ...s, alpha: 2 }],
      [p, { ...s, polish: 'yes' }],
    ];
    for (const args of garbage) {
      expect(() => (addon.qpSetup as (...a: unknown[]) => unknown)(...args)).toThrow();
    }
    // Handles: wrong kinds, disposed ones, wrong arguments to updates.
    for (const h of [undefined, null, {}, 3, new Float64Array(2)]) {
      expect(() => addon.qpSolve(h as never)).toThrow(/workspace/);
    }
    const h = addon.qpSetup(p, s);
    expect(() => addon.qpUpdateQ(h, f64([1, 2, 3]))).toThrow(/q/);
    expect(() => addon.qpUpdateQ(h, [1, 2] as never)).toThrow(/Float64Array/);
    expect(() => addon.qpUpdateBounds(h, f64([1, 0, 0]), f64([0, 0, 0]))).toThrow(/l\[0\]/);
    expect(() => addon.qpUpdatePValues(h, f64([1, 2]))).toThrow(/P.values/);
    expect(() => addon.qpUpdateAValues(h, f64([1, 2, 3, NaN]))).toThrow(/A.values\[3\]/);
    expect(() => addon.qpUpdateSettings(h, { maxIter: 0 })).toThrow(/maxIter/);
    expect(() => addon.qpWarmStart(h, f64([1]))).toThrow(/x/);
    expect(addon.qpSolve(h).status).toBe('solved');
    addon.qpDispose(h);
    addon.qpDispose(h);
    expect(() => addon.qpSolve(h)).toThrow(/disposed/);
  });

  it('catches a Rust panic at the boundary and keeps the process alive', () => {
    const addon = nativeAddon();
    expect(() => addon.__testPanic('main')).toThrow(/Rust panic/);
    expect(() => addon.__testPanic('thread')).toThrow(/Rust panic/);
    expect(solveQp(demo(), tight, { backend: 'native' }).status).toBe('solved');
  });

  it('update-then-resolve equals a fresh solve, and warm re-solves are short', () => {
    const ws = createQpWorkspace(demo(), tight, { backend: 'native' });
    ws.solve();
    const q2 = f64([-1, 2]);
    const l2 = f64([0.8, -0.5, 0.1]);
    const u2 = f64([0.8, 0.9, 0.9]);
    const pv = f64([5, 0.5, 3]);
    const av = f64([1, 0.5, 1, 2]);
    ws.updateQ(q2);
    ws.updateBounds(l2, u2);
    ws.updatePValues(pv);
    ws.updateAValues(av);
    const upd = ws.solve();
    const p = demo();
    const fresh = solveQp({ ...p, q: q2, l: l2, u: u2, P: { ...p.P, values: pv }, A: { ...p.A, values: av } }, tight, { backend: 'native' });
    expect(upd.status).toBe('solved');
    expect(fresh.status).toBe('solved');
    for (let j = 0; j < 2; j++) expect(upd.x[j]).toBeCloseTo(fresh.x[j]!, 7);
    ws.updateSettings({ polish: false });
    expect(ws.solve().info.iterations).toBeLessThanOrEqual(50);
    expect(() => ws.updateSettings({ rho: 1 } as never)).toThrow(/cannot be changed/);
    ws.dispose();
    expect(() => ws.solve()).toThrow(/dispose/);
  });

  it('solves off the main thread with solveQpAsync', async () => {
    const r = await solveQpAsync(demo(), tight, { backend: 'native' });
    expect(r.status).toBe('solved');
    expect(r.info.backend).toBe('native');
    expect(r.x[1]).toBeCloseTo(0.7, 8);
    await expect(solveQpAsync({ ...demo(), l: f64([2, 0, 0]) }, {}, { backend: 'native' })).rejects.toSatisfy(isInputError);
  });
});
