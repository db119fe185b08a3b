/*
 * The counter every Node benchmark drives: one Input type, one synchronous handler doing one
 * updateState, and the ViewModels built from it. (The case 4 page, bench/browser, has its own copy:
 * it is built by `ng build` against the packaged library, not these sources.)
 */
import {
  BallastSyncInterceptor,
  BasicViewModel,
  DefaultSyncConnection,
  fifo,
  noOpLogger,
  type BallastViewModelConfiguration,
  type ClientType,
  type InputHandler,
  type SyncConnectionAdapter,
} from '../../projects/ballast-sync/core/src/public-api';

export interface CounterState {
  readonly count: number;
}
export type CounterInput = { readonly type: 'Increment'; readonly by: number };
export type CounterViewModel = BasicViewModel<CounterInput, never, CounterState>;

export const counterHandler: InputHandler<CounterInput, never, CounterState> = (input, scope) =>
  scope.updateState((state) => ({ count: state.count + input.by }));

/** A counter starting at 0 with fifo; without options it logs to the console and has no interceptor. */
export function counterViewModel(
  options: Pick<
    BallastViewModelConfiguration<CounterInput, never, CounterState>,
    'logger' | 'interceptors'
  > = {},
): CounterViewModel {
  return new BasicViewModel<CounterInput, never, CounterState>({
    name: 'counter',
    initialState: { count: 0 },
    inputHandler: counterHandler,
    inputStrategy: fifo(),
    ...options,
  });
}

/**
 * A counter synchronized as `role` through `adapter`: BasicViewModel + DefaultSyncConnection +
 * BallastSyncInterceptor, logging nothing. `watch` gets the connection before the ViewModel starts it.
 */
export function syncedCounterViewModel(
  adapter: SyncConnectionAdapter<CounterInput, never, CounterState>,
  role: ClientType,
  watch?: (connection: DefaultSyncConnection<CounterInput, never, CounterState>) => void,
): CounterViewModel {
  const connection = new DefaultSyncConnection<CounterInput, never, CounterState>({
    clientType: role,
    adapter,
  });
  watch?.(connection);
  return counterViewModel({
    logger: noOpLogger,
    interceptors: [new BallastSyncInterceptor(connection)],
  });
}
