import { runKernelConformance } from './conformance.case.js';

runKernelConformance('ts');
