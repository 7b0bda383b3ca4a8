// Writes sample-book.json from SAMPLE_BOOK_SPEC: `pnpm tsx packages/core/src/allocation/sample/write-sample.ts`.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateAllocationBook } from './generate-book.js';
import { SAMPLE_BOOK_SPEC } from './spec.js';

const path = fileURLToPath(new URL('./sample-book.json', import.meta.url));
writeFileSync(path, `${JSON.stringify(generateAllocationBook(SAMPLE_BOOK_SPEC), null, 2)}\n`);
console.log(`wrote ${path}`);
