import type { Provider } from '@angular/core';
import { ɵballastError as ballastError } from 'ballast-sync/core';
import { SyncViewModel } from './sync-view-model';
import {
  checkSyncViewModelOptions,
  syncViewModelOptionsToken,
  type SyncViewModelOptions,
} from './sync-view-model-options';

/** A SyncViewModel subclass whose constructor takes no arguments (it calls `super(config)`). */
export type SyncViewModelClass<T> = new () => T;

type InputOf<T> = T extends SyncViewModel<infer I, infer _E, infer _S> ? I : never;
type StateOf<T> = T extends SyncViewModel<infer _I, infer _E, infer S> ? S : never;

/**
 * Provides a SyncViewModel with the role this component (or injector) plays in its channel.
 * Each providing injector gets its own instance, cleared when that injector is destroyed.
 * `options` may be a function, called in the injection context, when they depend on DI.
 *
 * @example
 * \@Component({ providers: [provideSyncViewModel(CounterViewModel, { role: 'replica', bufferInputs: delay(300) })] })
 *
 * \@Component({ providers: [provideSyncViewModel(CounterViewModel, () => ({ role: inject(ROLE) }))] })
 */
export function provideSyncViewModel<T extends object>(
  viewModelClass: SyncViewModelClass<T>,
  options:
    | SyncViewModelOptions<InputOf<T>, StateOf<T>>
    | (() => SyncViewModelOptions<InputOf<T>, StateOf<T>>),
): Provider[] {
  if (
    typeof viewModelClass !== 'function' ||
    !(viewModelClass.prototype instanceof SyncViewModel)
  ) {
    const name =
      typeof viewModelClass === 'function' ? viewModelClass.name : String(viewModelClass);
    throw ballastError(
      typeof ngDevMode === 'undefined' || ngDevMode
        ? `provideSyncViewModel() needs a class that extends SyncViewModel; ${name} does not.`
        : 105,
    );
  }
  const where = `provideSyncViewModel(${viewModelClass.name})`;
  const resolve = (): SyncViewModelOptions<InputOf<T>, StateOf<T>> => {
    let resolved: SyncViewModelOptions<InputOf<T>, StateOf<T>>;
    if (typeof options !== 'function') resolved = options;
    else {
      try {
        resolved = options();
      } catch (error) {
        throw ballastError(
          typeof ngDevMode === 'undefined' || ngDevMode
            ? `${where}: the options factory threw: ${error instanceof Error ? error.message : String(error)}`
            : 106,
          { cause: error },
        );
      }
    }
    checkSyncViewModelOptions(resolved, where);
    return resolved;
  };
  if (typeof options !== 'function') resolve(); // static options fail fast, at provide time
  return [
    {
      provide: syncViewModelOptionsToken<InputOf<T>, StateOf<T>>(viewModelClass),
      useFactory: resolve,
    },
    { provide: viewModelClass, useClass: viewModelClass },
  ];
}
