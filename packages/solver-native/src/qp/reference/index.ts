// `@keel/solver-native/qp/reference`: what QP results are judged against, for tests,
// benchmarks and engines — the independent checker and the Maros–Meszaros test set.
export * from '../check.js';
export * from '../maros-meszaros.js';
