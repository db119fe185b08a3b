import { config, filter, firstValueFrom, map, Subject } from 'rxjs';
import { isolate } from './isolate';
import { settle } from './testing-contract.spec-helper';

describe('isolate()', () => {
  let unhandled: jest.Mock;
  beforeEach(() => {
    unhandled = jest.fn();
    config.onUnhandledError = unhandled; // where rxjs sends what would otherwise crash a Node process
  });
  afterEach(() => {
    config.onUnhandledError = null;
  });

  function setUp() {
    const source = new Subject<number>();
    const reports: { error: unknown; value: number | undefined }[] = [];
    const isolated = isolate(source, (error, value) => void reports.push({ error, value }));
    return { source, reports, isolated };
  }

  it('reports what a next callback throws, with the value, and keeps the subscriber subscribed', async () => {
    const { source, reports, isolated } = setUp();
    const boom = new Error('boom');
    const received: number[] = [];
    isolated.subscribe((n) => {
      received.push(n);
      if (n === 2) throw boom;
    });
    [1, 2, 3].forEach((n) => source.next(n));
    await settle();
    expect(received).toEqual([1, 2, 3]);
    expect(reports).toEqual([{ error: boom, value: 2 }]);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('reports an error notification the subscriber has no error callback for', async () => {
    const { source, reports, isolated } = setUp();
    const failure = new Error('source failed');
    isolated.subscribe(() => undefined);
    source.error(failure);
    await settle();
    expect(reports).toEqual([{ error: failure, value: undefined }]);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('leaves an error the subscriber handles to it, and reports what its error or complete callback throws', async () => {
    const handled: unknown[] = [];
    const first = setUp();
    first.isolated.subscribe({ error: (error) => void handled.push(error) });
    first.source.error('handled');
    const second = setUp();
    second.isolated.subscribe({
      error: () => {
        throw new Error('in error');
      },
    });
    second.source.error('x');
    const third = setUp();
    third.isolated.subscribe({
      complete: () => {
        throw new Error('in complete');
      },
    });
    third.source.complete();
    await settle();
    expect(handled).toEqual(['handled']);
    expect(first.reports).toEqual([]);
    expect(second.reports).toEqual([{ error: new Error('in error'), value: undefined }]);
    expect(third.reports).toEqual([{ error: new Error('in complete'), value: undefined }]);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('keeps protecting through piped operators, which report without a value', async () => {
    const { source, reports, isolated } = setUp();
    const received: string[] = [];
    isolated
      .pipe(
        filter((n) => n > 0),
        map((n) => {
          if (n === 2) throw new Error('in map');
          return `#${n}`;
        }),
      )
      .subscribe((s) => void received.push(s));
    isolated.pipe(map((n) => n * 10)).subscribe((n) => {
      if (n === 30) throw new Error('in subscriber');
    });
    [1, 2, 3].forEach((n) => source.next(n));
    await settle();
    expect(received).toEqual(['#1']); // the map error ended that pipe, as in rxjs
    expect(reports).toEqual([
      { error: new Error('in map'), value: undefined },
      { error: new Error('in subscriber'), value: undefined },
    ]);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('still unsubscribes the source through a pipe, and works with firstValueFrom()', async () => {
    const { source, isolated } = setUp();
    const subscription = isolated.pipe(map((n) => n + 1)).subscribe();
    expect(source.observed).toBe(true);
    subscription.unsubscribe();
    expect(source.observed).toBe(false);

    const first = firstValueFrom(isolated.pipe(map((n) => n * 2)));
    source.next(21);
    expect(await first).toBe(42);
    expect(source.observed).toBe(false);
  });

  it('lets nothing escape when report itself throws', async () => {
    const source = new Subject<number>();
    isolate(source, () => {
      throw new Error('report failed');
    }).subscribe(() => {
      throw new Error('subscriber failed');
    });
    source.next(1);
    await settle();
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('checks its arguments', () => {
    expect(() => isolate({} as never, () => undefined)).toThrow(
      /^ballast-sync: isolate\(source, report\) needs an rxjs Observable as source/,
    );
    expect(() => isolate(new Subject(), undefined as never)).toThrow(
      /^ballast-sync: isolate\(source, report\) needs a function \(error, value\) => void as report/,
    );
  });
});
