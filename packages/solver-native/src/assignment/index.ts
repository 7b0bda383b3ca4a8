export { solveAssignment } from './hungarian.js';
export type { AssignmentResult } from './hungarian.js';
