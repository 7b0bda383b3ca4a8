import { describe, expect, it } from 'vitest';
import { validateQpResult } from './check.js';
import {
  findMarosMeszarosDir,
  loadMarosMeszarosIndex,
  loadMarosMeszarosProblem,
  MAROS_MESZAROS_SMALL,
  marosMeszarosMissingReason,
  matchesReference,
} from './maros-meszaros.js';
import { resolveQpSettings } from './settings.js';
import { createTsQpWorkspace } from './ts/index.js';

const dir = findMarosMeszarosDir();
if (!dir) console.warn(`skipping Maros–Meszaros subset: ${marosMeszarosMissingReason()}`);

describe.skipIf(!dir)('Maros–Meszaros small subset (TS backend, eps 1e-6, polish)', () => {
  const entries = dir ? loadMarosMeszarosIndex(dir).filter((e) => (MAROS_MESZAROS_SMALL as readonly string[]).includes(e.name)) : [];
  const settings = resolveQpSettings({ epsAbs: 1e-6, epsRel: 1e-6, epsPrimInf: 1e-6, epsDualInf: 1e-6, polish: true, polishRefineIter: 10, maxIter: 20000 });

  it('finds every problem of the subset in the index', () => {
    expect(entries.map((e) => e.name).sort()).toEqual([...MAROS_MESZAROS_SMALL].sort());
  });

  it.each(entries.map((e) => [e.name, e] as const))('%s reaches the reference objective with a verified solution', (_name, entry) => {
    const problem = loadMarosMeszarosProblem(entry, dir);
    const result = createTsQpWorkspace(problem, settings).solve();
    expect(result.status).toBe('solved');
    expect(matchesReference(entry, result.objective)).toBe(true);
    const check = validateQpResult(problem, result, { epsAbs: 1e-5, epsRel: 1e-5, epsInf: 1e-4 });
    expect(check.reasons).toEqual([]);
  });
});
