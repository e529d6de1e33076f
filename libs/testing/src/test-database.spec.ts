import { databaseUrl, testDatabaseName } from './test-database';

describe('testDatabaseName', () => {
  it('lower-cases the prefix, replaces what an identifier cannot hold and appends a random suffix', () => {
    expect(testDatabaseName('Router-Tests v2')).toMatch(/^router_tests_v2_[0-9a-f]{12}$/);
    expect(testDatabaseName('x'.repeat(80)).length).toBeLessThanOrEqual(63);
  });

  it('refuses a prefix that cannot start an identifier', () => {
    expect(() => testDatabaseName('1st')).toThrow(
      'test database prefix must start with a letter or underscore, got "1st"',
    );
  });
});

describe('databaseUrl', () => {
  it('replaces the database and keeps credentials and parameters', () => {
    expect(databaseUrl('postgres://app:secret@db.internal:6432/postgres?sslmode=require', 'sb_test_1')).toBe(
      'postgres://app:secret@db.internal:6432/sb_test_1?sslmode=require',
    );
  });
});
