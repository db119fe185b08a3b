/*
 * A tiny counter contract shared by the engine's specs (not a spec itself: Jest only runs
 * `*.spec.ts`). It has no Jest dependency, so it type-checks under any tsconfig.
 */
import {
  BasicViewModel,
  noOpLogger,
  type BallastInterceptor,
  type BallastInterceptorScope,
  type BallastNotification,
  type BallastViewModelConfiguration,
  type InputHandler,
  type InputHandlerScope,
} from 'ballast-sync/core';

export interface CounterState {
  readonly count: number;
}

export type CounterEvent = { readonly type: 'Notify'; readonly message: string };

export type CounterScope = InputHandlerScope<CounterInput, CounterEvent, CounterState>;

export type CounterInput =
  /** Adds `by` (default 1). */
  | { readonly type: 'Increment'; readonly by?: number }
  /** Adds `by` (default 1) at once, then waits for `gate` before it returns. */
  | { readonly type: 'Slow'; readonly gate: Promise<void>; readonly by?: number }
  /** Adds 1, waits for `gate` when given, then throws `Error(message)`. */
  | { readonly type: 'Fail'; readonly message: string; readonly gate?: Promise<void> }
  /** Posts the Event `Notify(message)`. */
  | { readonly type: 'Emit'; readonly message: string }
  /** Runs `body` as the handler: for tests that need a one-off behaviour. */
  | {
      readonly type: 'Run';
      readonly label: string;
      readonly body: (scope: CounterScope) => void | Promise<void>;
    };

/** Synchronous except for `Slow`, `Fail` with a gate and async `Run` bodies, so both engine paths run. */
export const counterHandler: InputHandler<CounterInput, CounterEvent, CounterState> = (
  input,
  scope,
) => {
  switch (input.type) {
    case 'Increment':
      return scope.updateState((s) => ({ count: s.count + (input.by ?? 1) }));
    case 'Slow':
      scope.updateState((s) => ({ count: s.count + (input.by ?? 1) }));
      return input.gate;
    case 'Fail':
      scope.updateState((s) => ({ count: s.count + 1 }));
      if (input.gate === undefined) throw new Error(input.message);
      return input.gate.then(() => {
        throw new Error(input.message);
      });
    case 'Emit':
      return scope.postEvent({ type: 'Notify', message: input.message });
    case 'Run':
      return input.body(scope);
  }
};

/** A counter ViewModel configuration that logs nothing; `overrides` replace any part of it. */
export function counterConfig(
  overrides: Partial<BallastViewModelConfiguration<CounterInput, CounterEvent, CounterState>> = {},
): BallastViewModelConfiguration<CounterInput, CounterEvent, CounterState> {
  return {
    name: 'counter',
    initialState: { count: 0 },
    inputHandler: counterHandler,
    logger: noOpLogger,
    ...overrides,
  };
}

export const increment = (by?: number): CounterInput =>
  by === undefined ? { type: 'Increment' } : { type: 'Increment', by };
export const slow = (gate: Promise<void>, by?: number): CounterInput =>
  by === undefined ? { type: 'Slow', gate } : { type: 'Slow', gate, by };
export const run = (
  label: string,
  body: (scope: CounterScope) => void | Promise<void>,
): CounterInput => ({
  type: 'Run',
  label,
  body,
});

/** A promise resolved or rejected by hand, so async handlers run deterministically. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks and queued microtasks run (one macrotask turn). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

type AnyNotification = BallastNotification<unknown, unknown, unknown>;

function label(value: unknown): string {
  if (value !== null && typeof value === 'object') {
    const v = value as { type?: unknown; label?: unknown; message?: unknown; count?: unknown };
    if (v.type === 'Run') return `Run(${String(v.label)})`;
    if (v.type === 'Notify') return `Notify(${String(v.message)})`;
    if (typeof v.type === 'string') return v.type;
    if (typeof v.count === 'number') return String(v.count);
  }
  return JSON.stringify(value);
}

/**
 * One readable line per notification, e.g. `InputAccepted Increment`, `StateChanged 2`,
 * `SideJobStarted job Restarted`, `InputDropped Increment overflow`.
 */
export function describeNotification(n: AnyNotification): string {
  switch (n.type) {
    case 'ViewModelStatusChanged':
      return `${n.type} ${n.status}`;
    case 'InputDropped':
      return `${n.type} ${label(n.input)} ${n.reason}`;
    case 'InputQueued':
    case 'InputAccepted':
    case 'InputRejected':
    case 'InputHandledSuccessfully':
    case 'InputCancelled':
    case 'InputHandlerError':
      return `${n.type} ${label(n.input)}`;
    case 'EventQueued':
    case 'EventEmitted':
    case 'EventHandledSuccessfully':
    case 'EventHandlerError':
      return `${n.type} ${label(n.event)}`;
    case 'StateChanged':
      return `${n.type} ${label(n.state)}`;
    case 'SideJobStarted':
      return `${n.type} ${n.key} ${n.restartState}`;
    case 'SideJobQueued':
    case 'SideJobCompleted':
    case 'SideJobCancelled':
    case 'SideJobError':
      return `${n.type} ${n.key}`;
    case 'InterceptorAttached':
    case 'InterceptorFailed':
      return `${n.type} ${n.interceptor.name ?? '?'}`;
    default:
      return n.type;
  }
}

/** An interceptor recording every notification from start-up on; `lines()` describes them. */
export function recorder<I, E, S>(name = 'recorder') {
  const notifications: BallastNotification<I, E, S>[] = [];
  const interceptor: BallastInterceptor<I, E, S> = {
    name,
    start: (_scope, stream) => stream.subscribe((n) => notifications.push(n)),
  };
  return {
    interceptor,
    notifications,
    lines: (filter?: (line: string) => boolean) =>
      notifications
        .map((n) => describeNotification(n as AnyNotification))
        .filter(filter ?? (() => true)),
  };
}

/** Describes `notifications` as lines, keeping only those whose type is in `types` (all when omitted). */
export function linesOf(
  notifications: readonly BallastNotification<unknown, unknown, unknown>[],
  ...types: string[]
) {
  return notifications
    .filter((n) => types.length === 0 || types.includes(n.type))
    .map(describeNotification);
}

/**
 * A counter ViewModel with a recorder and an interceptor whose scope the test drives (to queue
 * restores, add input guards…), as an interceptor such as sync would.
 */
export function counterWithInterceptorScope(
  overrides: Partial<BallastViewModelConfiguration<CounterInput, CounterEvent, CounterState>> = {},
) {
  const rec = recorder<CounterInput, CounterEvent, CounterState>();
  let captured: BallastInterceptorScope<CounterInput, CounterEvent, CounterState> | undefined;
  const vm = new BasicViewModel(
    counterConfig({
      ...overrides,
      interceptors: [rec.interceptor, { name: 'driven', start: (s) => void (captured = s) }],
    }),
  );
  return {
    vm,
    rec,
    scope: captured as BallastInterceptorScope<CounterInput, CounterEvent, CounterState>,
  };
}
