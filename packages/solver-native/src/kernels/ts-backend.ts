import { evaluateDenseTs } from './dense-ts.js';
import { evaluateStructuredTs } from './structured-ts.js';
import { evaluateTailTs } from './tail-ts.js';
import { firstNonFinite } from './validate.js';
import type { KernelImpl } from './types.js';

/** The portable backend: single-threaded TypeScript on the calling thread. */
export const tsKernels: KernelImpl = {
  backend: 'ts',
  dense: evaluateDenseTs,
  structured: evaluateStructuredTs,
  tail: evaluateTailTs,
  firstNonFinite,
};
