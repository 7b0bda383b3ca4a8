export * from './types.js';
export { ordersFromTargets, sortOrders, compareSymbols } from './orders-from-targets.js';
export { formatOmsCsv, formatFxCsv, csvField, OMS_CSV_HEADER, FX_CSV_HEADER } from './csv.js';
