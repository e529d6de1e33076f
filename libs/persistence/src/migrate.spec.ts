import { migrationLockKey } from './migrate';

describe('migrationLockKey', () => {
  it('gives each schema its own signed 32-bit key', () => {
    const schemas = ['gateway', 'ingest', 'router', 'template', 'sender_email', 'analytics'];
    const keys = schemas.map(migrationLockKey);

    expect(new Set(keys).size).toBe(schemas.length);
    expect(keys.every((key) => Number.isInteger(key) && key >= -(2 ** 31) && key < 2 ** 31)).toBe(true);
  });

  it('keeps the key of a schema from release to release, so old and new replicas share the lock', () => {
    expect(migrationLockKey('gateway')).toBe(-406_175_239);
  });
});
