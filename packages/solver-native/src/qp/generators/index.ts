// Seeded problem classes for tests and benchmarks (OSQP paper's benchmark families).
export { Rng } from './rng.js';
export { TripletMatrix, randomSparse } from './triplets.js';
export { generateRandomQp, type RandomQpSpec } from './random-qp.js';
export { generateLasso, type LassoSpec } from './lasso.js';
export { generateHuber, type HuberSpec } from './huber.js';
export { generatePortfolioQp, type PortfolioQpLayout, type PortfolioQpSpec } from './portfolio.js';
