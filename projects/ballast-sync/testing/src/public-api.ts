/*
 * Public API of `ballast-sync/testing`: a scenario harness for ViewModels. No Angular import.
 */
export { runScenario } from './run-scenario';
export type { Scenario, ScenarioResults } from './run-scenario';
