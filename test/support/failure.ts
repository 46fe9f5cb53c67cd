import { expect } from 'vitest';
import { DependencyError, type System } from '../../src/deploy/ports.js';

/** Awaits a promise that must reject with a DependencyError of the given system. */
export async function dependencyFailure(promise: Promise<unknown>, system: System): Promise<DependencyError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DependencyError);
  expect((error as DependencyError).system).toBe(system);
  return error as DependencyError;
}
