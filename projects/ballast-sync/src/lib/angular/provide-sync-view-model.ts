import type { Provider } from '@angular/core';
import { ballastError } from 'ballast-sync/core';
import { SyncViewModel } from './sync-view-model';
import { checkSyncViewModelOptions, constructWithOptions, type SyncViewModelOptions } from './sync-view-model-options';

/** A SyncViewModel subclass whose constructor takes no arguments (it calls `super(config)`). */
export type SyncViewModelClass<T> = abstract new () => T;

type InputOf<T> = T extends SyncViewModel<infer I, infer _E, infer _S> ? I : never;
type StateOf<T> = T extends SyncViewModel<infer _I, infer _E, infer S> ? S : never;

/**
 * Provides a SyncViewModel with the role this component (or injector) plays in its channel.
 * Each providing injector gets its own instance, cleared when that injector is destroyed.
 *
 * @example
 * \@Component({ providers: [provideSyncViewModel(CounterViewModel, { role: 'replica', bufferInputs: delay(300) })] })
 */
export function provideSyncViewModel<T extends object>(
  viewModelClass: SyncViewModelClass<T>,
  options: SyncViewModelOptions<InputOf<T>, StateOf<T>>,
): Provider[] {
  if (typeof viewModelClass !== 'function' || !(viewModelClass.prototype instanceof SyncViewModel)) {
    const name = typeof viewModelClass === 'function' ? viewModelClass.name : String(viewModelClass);
    throw ballastError(`provideSyncViewModel() needs a class that extends SyncViewModel; ${name} does not.`);
  }
  const checked = options as unknown as SyncViewModelOptions;
  checkSyncViewModelOptions(checked, `provideSyncViewModel(${viewModelClass.name})`);
  const concrete = viewModelClass as unknown as new () => T;
  return [{ provide: viewModelClass, useFactory: () => constructWithOptions(checked, () => new concrete()) }];
}
