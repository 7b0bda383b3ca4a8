import { almgrenChrissGradient, evaluateAlmgrenChriss } from './almgren-chriss.js';
import type { ImpactModel } from './problem.js';

/** The model's objective Σ g_t(x_t) (Almgren–Chriss: E + λ·Var) at a schedule. */
export function evaluateCost(model: ImpactModel, x: ArrayLike<number>): number {
  switch (model.model) {
    case 'linear': {
      let s = 0;
      for (let t = 0; t < x.length; t++) s += model.beta[t]! * x[t]! * x[t]!;
      return s;
    }
    case 'powerLaw': {
      const a = model.exponent;
      let s = 0;
      for (let t = 0; t < x.length; t++) {
        const e = typeof a === 'number' ? a : a[t]!;
        const v = Math.max(0, x[t]!);
        s += model.eta[t]! * v * Math.pow(v, e);
      }
      return s;
    }
    case 'almgrenChriss':
      return evaluateAlmgrenChriss(model, x).cost;
  }
}

/** ∂cost/∂x_t: the marginal cost of one more share in bin t. */
export function evaluateGradient(model: ImpactModel, x: ArrayLike<number>): Float64Array {
  const g = new Float64Array(x.length);
  switch (model.model) {
    case 'linear':
      for (let t = 0; t < x.length; t++) g[t] = 2 * model.beta[t]! * x[t]!;
      return g;
    case 'powerLaw': {
      const a = model.exponent;
      for (let t = 0; t < x.length; t++) {
        const e = typeof a === 'number' ? a : a[t]!;
        g[t] = model.eta[t]! * (1 + e) * Math.pow(Math.max(0, x[t]!), e);
      }
      return g;
    }
    case 'almgrenChriss':
      return almgrenChrissGradient(model, x);
  }
}
