import { runQpConformance } from './conformance.case.js';
import { createTsQpWorkspace } from './ts/index.js';

runQpConformance({ name: 'ts', method: 'ipm', createWorkspace: createTsQpWorkspace });
