import type { AllocationStrategy } from '../types.js';

// Work in progress: the greedy strategy lands in the next commit.
export const greedyStrategy: AllocationStrategy = {
  name: 'greedy',
  run: () => Promise.reject(new Error('greedy: not implemented yet')),
};
