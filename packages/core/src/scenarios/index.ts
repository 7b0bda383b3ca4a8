export { cholesky } from './cholesky.js';
export {
  generateBondScenarios,
  RETURN_FLOOR,
  SCENARIO_FACTORS,
  type GeneratedScenarios,
  type ScenarioGeneratorSettings,
  type ScenarioSecurity,
} from './generate.js';
