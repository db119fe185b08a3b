import { ɵballastError as ballastError } from 'ballast-sync/core';

/**
 * What may happen to each message of one kind. Every fault is off by default.
 *
 * @example
 * const flaky: MessageFaults = { loss: 0.1, duplicate: 0.05, delayMs: [0, 50] };
 */
export interface MessageFaults {
  /** Probability (0..1) that a message is lost. Default 0. */
  readonly loss?: number;
  /** Probability (0..1) that a message that is not lost is delivered twice. Default 0. */
  readonly duplicate?: number;
  /**
   * How long a message travels, in ms: a fixed delay, or `[min, max]` to draw one per message
   * (uniformly). Default 0: delivered at once, synchronously.
   */
  readonly delayMs?: number | readonly [number, number];
}

/**
 * What may happen to each State on its way to each reader.
 *
 * @example
 * const reordered: StateFaults = { delayMs: [0, 50], ordered: false };
 */
export interface StateFaults extends MessageFaults {
  /**
   * Whether the States to one reader keep their order (default true). With false, random delays
   * may reorder them, which receivers must tolerate (they ignore a version they have passed).
   */
  readonly ordered?: boolean;
}

/**
 * Options of `createFaultyAdapter()`.
 *
 * @example
 * const options: FaultyAdapterOptions = { seed: 42, inputs: { loss: 0.2 }, states: { delayMs: 10 } };
 */
export interface FaultyAdapterOptions {
  /**
   * Seed of the fault randomness: the same seed and the same traffic give the same faults.
   * Default: a random seed, readable as `adapter.seed` (log it to replay a failing run).
   */
  readonly seed?: number;
  /**
   * Faults of the Inputs sent through this adapter (Replica → Source). One Replica's Inputs always
   * keep their order (per `clientId` + `incarnation`): a delayed one holds back those behind it.
   */
  readonly inputs?: MessageFaults;
  /** Faults of the States delivered to each reader of this adapter (Source → Replica, Spectator). */
  readonly states?: StateFaults;
}

/** {@link MessageFaults} with every default applied. */
export interface ResolvedFaults {
  readonly loss: number;
  readonly duplicate: number;
  readonly delayMs: readonly [number, number];
  readonly ordered: boolean;
}

const MESSAGE_OPTIONS = ['loss', 'duplicate', 'delayMs'];

/** Checks the options of `createFaultyAdapter()` and applies the defaults. */
export function resolveFaultyAdapterOptions(options: FaultyAdapterOptions | undefined): {
  readonly seed: number | undefined;
  readonly inputs: ResolvedFaults;
  readonly states: ResolvedFaults;
} {
  const o = options ?? {};
  checkObject('options', o, ['seed', 'inputs', 'states']);
  if (o.seed !== undefined && !Number.isSafeInteger(o.seed))
    throw optionError(`seed must be a whole number; got ${describe(o.seed)}`);
  return {
    seed: o.seed,
    inputs: resolveFaults('inputs', o.inputs, MESSAGE_OPTIONS),
    states: resolveFaults('states', o.states, [...MESSAGE_OPTIONS, 'ordered']),
  };
}

function resolveFaults(
  kind: 'inputs' | 'states',
  faults: StateFaults | undefined,
  known: readonly string[],
): ResolvedFaults {
  const f = faults ?? {};
  checkObject(kind, f, known);
  if (f.ordered !== undefined && typeof f.ordered !== 'boolean')
    throw optionError(`${kind}.ordered must be true or false; got ${describe(f.ordered)}`);
  return {
    loss: probability(`${kind}.loss`, f.loss),
    duplicate: probability(`${kind}.duplicate`, f.duplicate),
    delayMs: delayRange(`${kind}.delayMs`, f.delayMs),
    ordered: f.ordered ?? true,
  };
}

function probability(name: string, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1))
    throw optionError(
      `${name} must be a probability between 0 and 1 (0.05 for 5 %); got ${describe(value)}`,
    );
  return value;
}

function delayRange(name: string, value: unknown): readonly [number, number] {
  if (value === undefined) return [0, 0];
  const isDelay = (ms: unknown): ms is number =>
    typeof ms === 'number' && Number.isFinite(ms) && ms >= 0;
  if (isDelay(value)) return [value, value];
  if (Array.isArray(value) && value.length === 2) {
    const [min, max] = value as unknown[];
    if (isDelay(min) && isDelay(max) && min <= max) return [min, max];
  }
  throw optionError(
    `${name} must be a number of milliseconds >= 0, or a [min, max] range with 0 <= min <= max; got ${describe(value)}`,
  );
}

function checkObject(name: string, value: unknown, known: readonly string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw optionError(`${name} must be an object; got ${describe(value)}`);
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  if (unknown === undefined) return;
  const path = name === 'options' ? unknown : `${name}.${unknown}`;
  const hint =
    path === 'inputs.ordered'
      ? ' (Inputs always keep their order per sender, as adapters must)'
      : '';
  const of = name === 'options' ? '' : ` of ${name}`;
  throw optionError(`unknown option "${path}"${hint}; the options${of} are ${known.join(', ')}`);
}

function optionError(problem: string): Error {
  return ballastError(`createFaultyAdapter(): ${problem}.`);
}

function describe(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
