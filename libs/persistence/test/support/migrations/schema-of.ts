import type { QueryRunner } from 'typeorm';

/** A service's migrations name their fixed schema; these test fixtures take the data source's, one per test. */
export function schemaOf(queryRunner: QueryRunner): string {
  const { schema } = queryRunner.connection.options as { schema?: string };
  if (schema === undefined) throw new Error('the test data source has no schema');
  return schema;
}
