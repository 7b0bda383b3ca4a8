export * from './tables.js';
export * from './diagnostics.js';
export { coerceTable, type RawColumn, type CoercedTable } from './coerce-table.js';
export { validateTables } from './validate-tables.js';
export { readPortfolioTables, readTableFile, readRawColumns, TABLE_FORMATS, type TableFormat, type TableFileInfo, type ReadTablesResult } from './read-tables.js';
export { writePortfolioTables, tableToCsv } from './write-tables.js';
export {
  buildUniverse,
  repriceUniverse,
  DEFAULT_UNIVERSE_SETTINGS,
  type Universe,
  type UniverseSettings,
  type UniverseInstrument,
  type UniverseCurrency,
  type UniverseBasket,
  type SyntheticInfo,
} from './universe.js';
export { generatePortfolioSample, sampleFactorNames, SAMPLE_AS_OF, type SampleSpec, type SampleFactorNames } from './generate-sample.js';
export { symmetricEigenvalues } from './psd.js';
