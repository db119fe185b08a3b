/**
 * A channel's `validateInput`: a function, or any Standard Schema validator (zod, valibot,
 * arktype… through their `~standard` property), normalized to one checker.
 */

/** The part of the Standard Schema v1 interface (standardschema.dev) the server uses. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (
      value: unknown,
    ) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

export type StandardSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | {
      readonly issues: readonly {
        readonly message: string;
        readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
      }[];
    };

/**
 * Checks an Input received from a client before it reaches the channel's Source: `true` accepts
 * it, `false` or a string (the problem) refuses it. May be asynchronous; a throw refuses it.
 */
export type InputValidatorFunction = (
  input: unknown,
) => boolean | string | Promise<boolean | string>;

/** What `validateInput` of a channel accepts. */
export type InputValidator<I> = InputValidatorFunction | StandardSchemaV1<unknown, I>;

export type InputCheck =
  { readonly ok: true; readonly input: unknown } | { readonly ok: false; readonly problem: string };

/** A normalized validator: what it returns is the Input the Source receives, or a problem. */
export type InputChecker = (input: unknown) => InputCheck | Promise<InputCheck>;

/** Whether a value is a Standard Schema validator. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  const standard = (value as { '~standard'?: { validate?: unknown } } | null)?.['~standard'];
  return (
    typeof standard === 'object' && standard !== null && typeof standard.validate === 'function'
  );
}

const MAX_PROBLEM_LENGTH = 500;
const short = (text: string) =>
  text.length > MAX_PROBLEM_LENGTH ? `${text.slice(0, MAX_PROBLEM_LENGTH)}…` : text;

const isThenable = <T>(value: unknown): value is Promise<T> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

const then = <T, R>(value: T | Promise<T>, next: (value: T) => R): R | Promise<R> =>
  isThenable<T>(value) ? Promise.resolve(value).then(next) : next(value);

function describeIssues(issues: StandardSchemaResult<unknown>['issues']): string {
  return (issues ?? [])
    .slice(0, 5)
    .map((issue) => {
      const path = (issue.path ?? [])
        .map((part) => String(typeof part === 'object' ? part.key : part))
        .join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** Normalizes `validateInput` (undefined accepts everything). Never throws nor rejects. */
export function toInputChecker<I>(validator: InputValidator<I> | undefined): InputChecker {
  if (validator === undefined) return (input) => ({ ok: true, input });
  const check = (input: unknown): InputCheck | Promise<InputCheck> => {
    if (isStandardSchema(validator)) {
      // The schema's output (coerced, unknown keys stripped) is what the Source receives.
      return then(validator['~standard'].validate(input), (result) =>
        result.issues
          ? { ok: false, problem: short(describeIssues(result.issues) || 'invalid') }
          : { ok: true, input: result.value },
      );
    }
    return then(validator(input), (verdict) =>
      verdict === true
        ? { ok: true, input }
        : { ok: false, problem: short(typeof verdict === 'string' ? verdict : 'invalid') },
    );
  };
  const failed = (error: unknown): InputCheck => ({
    ok: false,
    problem: short(
      `the validator threw: ${error instanceof Error ? error.message : String(error)}`,
    ),
  });
  return (input) => {
    try {
      const result = check(input);
      return isThenable<InputCheck>(result) ? Promise.resolve(result).catch(failed) : result;
    } catch (error) {
      return failed(error);
    }
  };
}
