import type { BenchSuite } from '../harness.js';
import { scenarioKernelsSuite } from './scenario-kernels.js';
import { rotationSuite } from './rotation.js';
import { qpMarosSuite } from './qp-maros.js';
import { qpClassesSuite } from './qp-classes.js';
import { executionSuite } from './execution.js';
import { qpPortfolioSuite } from './qp-portfolio.js';
import { portfolioSuite } from './portfolio.js';
import { allocationSuite } from './allocation.js';
import { qpIpmSuite } from './qp-ipm.js';

/** Every benchmark suite; add one line per suite. */
export const suites: readonly BenchSuite[] = [scenarioKernelsSuite, rotationSuite, qpMarosSuite, qpClassesSuite, executionSuite, portfolioSuite, allocationSuite, qpPortfolioSuite, qpIpmSuite];
