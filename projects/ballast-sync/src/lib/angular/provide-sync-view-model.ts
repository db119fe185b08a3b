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
  const token = syncViewModelOptionsToken<InputOf<T>, StateOf<T>>(viewModelClass);
  // Static options fail fast, at provide time, and are provided as a value (an injector keeps no
  // factory for them: a page of many components providing one each holds less).
  if (typeof options !== 'function') {
    checkSyncViewModelOptions(options, where(viewModelClass));
    return [
      { provide: token, useValue: options },
      { provide: viewModelClass, useClass: viewModelClass },
    ];
  }
  const resolve = (): SyncViewModelOptions<InputOf<T>, StateOf<T>> => {
    let resolved: SyncViewModelOptions<InputOf<T>, StateOf<T>>;
    try {
      resolved = options();
    } catch (error) {
      throw ballastError(
        typeof ngDevMode === 'undefined' || ngDevMode
          ? `${where(viewModelClass)}: the options factory threw: ${error instanceof Error ? error.message : String(error)}`
          : 106,
        { cause: error },
      );
    }
    checkSyncViewModelOptions(resolved, where(viewModelClass));
    return resolved;
  };
  return [
    { provide: token, useFactory: resolve },
    { provide: viewModelClass, useClass: viewModelClass },
  ];
}

/** Where an options problem comes from, for its message (built only when there is one). */
function where(viewModelClass: { readonly name: string }): string {
  return `provideSyncViewModel(${viewModelClass.name})`;
}
