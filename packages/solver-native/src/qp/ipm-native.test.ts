import { describe, it } from 'vitest';
import { nativeStatus } from '../native/index.js';
import { runQpConformance } from './conformance.case.js';
import { createQpWorkspace } from './index.js';

const status = nativeStatus();
if (status.available) runQpConformance({ name: 'native', method: 'ipm', createWorkspace: (p, s) => createQpWorkspace(p, s, { backend: 'native' }) });
else describe.skip(`QP conformance: native (ipm) (skipped: ${status.reason})`, () => it('runs the shared suite', () => {}));
