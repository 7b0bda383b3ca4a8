import { runKernelConformance } from './conformance.case.js';
import { nativeKernelsStatus } from './native-backend.js';

const status = nativeKernelsStatus();
runKernelConformance('native', status.impl ? undefined : status.reason);
