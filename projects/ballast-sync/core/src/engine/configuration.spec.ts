import { BasicViewModel, fifo, lifo, type BallastViewModelConfiguration } from 'ballast-sync/core';
import {
  counterConfig,
  type CounterEvent,
  type CounterInput,
  type CounterState,
} from './testing-contract.spec-helper';

type Config = BallastViewModelConfiguration<CounterInput, CounterEvent, CounterState>;

/** Builds a ViewModel from a deliberately broken configuration (as plain JavaScript callers could). */
const build = (config: unknown) => () => new BasicViewModel(config as Config);
const withOverrides = (overrides: Record<string, unknown>) =>
  build({ ...counterConfig(), ...overrides });

describe('configuration', () => {
  it('needs a configuration object', () => {
    expect(build(undefined)).toThrow(
      /^ballast-sync: BasicViewModel needs a configuration object \{ initialState, inputHandler \}/,
    );
  });

  it('names a missing initialState', () => {
    expect(withOverrides({ initialState: undefined })).toThrow(
      /^ballast-sync: BasicViewModel "counter" is missing initialState/,
    );
  });

  it('names a missing inputHandler', () => {
    expect(withOverrides({ inputHandler: undefined })).toThrow(
      /^ballast-sync: BasicViewModel "counter" is missing inputHandler: pass a function .*\(got undefined\)/,
    );
  });

  it.each([0, -1, 1.5, Number.NaN, '10'])('rejects inputQueue.capacity %p', (capacity) => {
    expect(withOverrides({ inputQueue: { capacity } })).toThrow(
      /^ballast-sync: BasicViewModel "counter": inputQueue\.capacity must be a whole number >= 1/,
    );
  });

  it('accepts an unbounded capacity', () => {
    expect(() =>
      new BasicViewModel(counterConfig({ inputQueue: { capacity: Infinity } })).clear(),
    ).not.toThrow();
  });

  it.each(['drop', 'SUSPEND', 1])('rejects inputQueue.overflow %p', (overflow) => {
    expect(withOverrides({ inputQueue: { overflow } })).toThrow(
      /^ballast-sync: BasicViewModel "counter": inputQueue\.overflow must be one of suspend, drop-oldest, drop-latest/,
    );
  });

  it.each([0, -1, 1.5, Number.NaN, Infinity, '10'])(
    'rejects eventBuffer.capacity %p',
    (capacity) => {
      expect(withOverrides({ eventBuffer: { capacity } })).toThrow(
        /^ballast-sync: BasicViewModel "counter": eventBuffer\.capacity must be a whole number >= 1 \(how many Events may wait for the Event handler\)/,
      );
    },
  );

  it('rejects an eventBuffer that is not an object, and accepts a capacity of 1', () => {
    expect(withOverrides({ eventBuffer: 256 })).toThrow(
      /^ballast-sync: BasicViewModel "counter": eventBuffer must be an object like \{ capacity: 256 \}; got 256/,
    );
    expect(() =>
      new BasicViewModel(counterConfig({ eventBuffer: { capacity: 1 } })).clear(),
    ).not.toThrow();
  });

  it.each([null, {}, 'fifo', { concurrency: 'random' }])(
    'rejects inputStrategy %p',
    (inputStrategy) => {
      expect(withOverrides({ inputStrategy })).toThrow(
        /^ballast-sync: BasicViewModel "counter": inputStrategy must come from fifo\(\), lifo\(\) or parallel\(\)/,
      );
    },
  );

  it.each([
    ['not an array', { name: 'x', start: () => undefined }, /interceptors must be an array/],
    ['an entry without start()', [{ name: 'x' }], /interceptors\[0\] is not an interceptor/],
    ['a null entry', [{ start: () => undefined }, null], /interceptors\[1\] is not an interceptor/],
  ])('rejects interceptors that are %s', (_what, interceptors, message) => {
    expect(withOverrides({ interceptors })).toThrow(/^ballast-sync: BasicViewModel "counter": /);
    expect(withOverrides({ interceptors })).toThrow(message);
  });

  it.each([
    ['name', { name: '  ' }, /^ballast-sync: the ViewModel name must be a non-empty string/],
    ['stateEquals', { stateEquals: 'deep' }, /^ballast-sync: .*stateEquals must be a function/],
    [
      'logger',
      { logger: { error: () => undefined } },
      /^ballast-sync: .*logger must have debug, info, warn and error methods/,
    ],
  ])('rejects a bad %s', (_what, overrides, message) => {
    expect(withOverrides(overrides)).toThrow(message);
  });

  it.each([
    ['fifo', fifo],
    ['lifo', lifo],
  ])(
    'makes %s() reject a filter that is not a function, or options that are not an object',
    (name, strategy) => {
      const make = strategy as (options?: unknown) => unknown;
      expect(() => make({ filter: 'accept' })).toThrow(
        `ballast-sync: ${name}({ filter }) needs a function`,
      );
      expect(() => make(null)).toThrow(
        `ballast-sync: ${name}() takes an options object like { filter }`,
      );
    },
  );

  it('does not start interceptors when the configuration is invalid', () => {
    let started = false;
    expect(
      withOverrides({
        interceptors: [{ start: () => void (started = true) }],
        inputQueue: { overflow: 'x' },
      }),
    ).toThrow();
    expect(started).toBe(false);
  });
});
