import { PersistenceError } from './persistence-error';
import { isTransientConnectionError } from './transient-connection-error';

function withCode(code: string): Error {
  return Object.assign(new Error(code), { code });
}

describe('isTransientConnectionError', () => {
  it('retries a refused or reset connection and a server that is still starting up', () => {
    expect(isTransientConnectionError(withCode('ECONNREFUSED'))).toBe(true);
    expect(isTransientConnectionError(withCode('ECONNRESET'))).toBe(true);
    expect(isTransientConnectionError(withCode('57P03'))).toBe(true);
    expect(isTransientConnectionError(new Error('connect failed', { cause: withCode('ETIMEDOUT') }))).toBe(
      true,
    );
  });

  it('does not retry a failed migration, a bad password or a missing database', () => {
    const failedMigration = new PersistenceError('MIGRATION_FAILED', 'migrations for schema "x" failed', {
      cause: withCode('42P01'),
    });

    expect(isTransientConnectionError(failedMigration)).toBe(false);
    expect(isTransientConnectionError(withCode('28P01'))).toBe(false);
    expect(isTransientConnectionError(withCode('3D000'))).toBe(false);
    expect(isTransientConnectionError('ECONNREFUSED')).toBe(false);
  });
});
