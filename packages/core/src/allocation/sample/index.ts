import type { AllocationRequestInput } from '../schema.js';
import book from './sample-book.json' with { type: 'json' };

export { SAMPLE_BOOK_SPEC } from './spec.js';
export { generateAllocationBook, CONSTRAINT_KIND_CYCLE, type AllocationBookSpec } from './generate-book.js';

/** A fresh copy of the bundled sample request (see spec.ts). */
export function sampleAllocationRequest(): AllocationRequestInput {
  return structuredClone(book) as unknown as AllocationRequestInput;
}
