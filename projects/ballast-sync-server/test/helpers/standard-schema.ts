import type { StandardSchemaV1 } from '../../src/public-api.js';
import type { CounterInput } from './counter-channel.js';

/**
 * A hand-written Standard Schema validator for CounterInput (what zod or valibot provide through
 * `~standard`): asynchronous, and its output drops unknown keys.
 */
export const counterInputSchema: StandardSchemaV1<unknown, CounterInput> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: async (value) => {
      const v = value as Partial<CounterInput> | null;
      const issues: { message: string; path?: PropertyKey[] }[] = [];
      if (typeof v !== 'object' || v === null)
        return { issues: [{ message: 'expected an object' }] };
      if (v.type !== 'Add') issues.push({ message: 'expected "Add"', path: ['type'] });
      if (typeof v.id !== 'string') issues.push({ message: 'expected a string', path: ['id'] });
      if (typeof v.by !== 'number' || !Number.isInteger(v.by))
        issues.push({ message: 'expected an integer', path: ['by'] });
      if (issues.length > 0) return { issues };
      return { value: { type: 'Add', id: v.id as string, by: v.by as number } };
    },
  },
};
