import { BehaviorSubject, EMPTY, Subject, type Observable } from 'rxjs';

/**
 * A stream whose Subject exists only once somebody observes it: most sync connections are never
 * watched (a page of many Replicas), so they hold no Subject and emitting costs nothing.
 */
export class LazySubject<T> {
  private subject: Subject<T> | undefined;
  private completed = false;

  /** Whether anybody listens now (lets callers skip building a value nobody reads). */
  get observed(): boolean {
    return this.subject?.observed ?? false;
  }

  next(value: T): void {
    if (this.subject?.observed) this.subject.next(value);
  }

  /** Emitted values from now on; completes at once after {@link complete}. */
  observe(): Observable<T> {
    if (this.completed) return EMPTY;
    return (this.subject ??= new Subject<T>()).asObservable();
  }

  complete(): void {
    this.completed = true;
    this.subject?.complete();
  }
}

/** A current value, observable as a BehaviorSubject that is created on first observation. */
export class LazyValue<T> {
  private subject: BehaviorSubject<T> | undefined;
  private completed = false;

  constructor(private current: T) {}

  get value(): T {
    return this.current;
  }

  next(value: T): void {
    this.current = value;
    this.subject?.next(value);
  }

  /** The current value first, then every change; completes at once after {@link complete}. */
  observe(): Observable<T> {
    if (this.completed) return EMPTY;
    return (this.subject ??= new BehaviorSubject<T>(this.current)).asObservable();
  }

  complete(): void {
    this.completed = true;
    this.subject?.complete();
  }
}
