/** Where each engine is mounted under /v1 (shared by the server and the typed client). */
export const ENGINE_PATHS = {
  allocation: '/allocations',
  portfolio: '/portfolio/optimize',
  execution: '/execution/schedules',
  rotation: '/rotation/cycles',
} as const;
