/*
 * Public API of `ballast-sync/testing`: helpers to test ViewModels, adapters and apps. No Angular
 * import.
 *
 * - `runScenario()`: a scenario harness for one ViewModel, in the spirit of Ballast's
 *   `viewModelTest { }`.
 * - `createFaultyAdapter(inner, options)`: an adversarial network around any adapter (typically an
 *   `InMemorySyncAdapter`). Inputs sent through it and States delivered to its readers are lost,
 *   duplicated and delayed at random, reproducibly for a given `seed`; one Replica's Inputs (and,
 *   by default, the States to one reader) keep their order, as the adapter contract requires.
 *   `down()` / `up()` cut and restore the link (reported by `observeLink`), `flush()` delivers
 *   what is in flight, and `stats()` counts what was sent, delivered, lost and duplicated, and
 *   what is still in flight. Use it to check that your app converges over a lossy wire, or that
 *   your own adapter's users do.
 */
export { runScenario } from './run-scenario';
export type { Scenario, ScenarioResults, ScenarioScope } from './run-scenario';
export { createFaultyAdapter } from './create-faulty-adapter';
export { createTestTransport } from './create-test-transport';
export type { TestSyncTransport } from './create-test-transport';
export type { FaultyAdapter, FaultyAdapterStats, FaultyMessageStats } from './faulty-adapter';
export type { FaultyAdapterOptions, MessageFaults, StateFaults } from './faulty-adapter-options';
