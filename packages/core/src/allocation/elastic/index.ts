export { diagnoseInfeasibility, measureRelaxations, solveElastic } from './diagnose.js';
export type { ElasticResult } from './diagnose.js';
