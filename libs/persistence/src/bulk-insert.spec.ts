import { buildBulkInsertStatements, POSTGRES_MAX_PARAMETERS } from './bulk-insert';
import { PersistenceError } from './persistence-error';

describe('buildBulkInsertStatements', () => {
  const rows = [
    { message_id: 'm1', tenant_id: 't1', attempt: 1 },
    { message_id: 'm2', tenant_id: 't1', attempt: 2 },
  ];

  it('builds one multi-row INSERT with numbered placeholders and the values in row order', () => {
    expect(buildBulkInsertStatements('ingest.messages', rows)).toEqual([
      {
        sql: 'INSERT INTO "ingest"."messages" ("message_id", "tenant_id", "attempt") VALUES ($1, $2, $3), ($4, $5, $6)',
        parameters: ['m1', 't1', 1, 'm2', 't1', 2],
      },
    ]);
  });

  it('reads every row by the first row’s columns, whatever order its keys are in', () => {
    const [statement] = buildBulkInsertStatements('messages', [
      { a: 1, b: 2 },
      { b: 4, a: 3 },
    ]);

    expect(statement.sql).toBe('INSERT INTO "messages" ("a", "b") VALUES ($1, $2), ($3, $4)');
    expect(statement.parameters).toEqual([1, 2, 3, 4]);
  });

  it('passes values through untouched, null and objects included', () => {
    const recordedAt = new Date('2030-01-01T00:00:00Z');
    const [statement] = buildBulkInsertStatements('events', [
      { at: recordedAt, note: null, payload: '{"a":1}' },
    ]);

    expect(statement.parameters).toEqual([recordedAt, null, '{"a":1}']);
    expect(statement.parameters[0]).toBe(recordedAt);
  });

  it('splits the rows into statements of at most the parameter limit, keeping every row once', () => {
    const many = Array.from({ length: 10 }, (_, index) => ({ id: index, name: `n${index}`, kind: 'k' }));

    const statements = buildBulkInsertStatements('things', many, {}, 7);

    expect(statements.map((statement) => statement.parameters.length)).toEqual([6, 6, 6, 6, 6]);
    expect(statements[1].sql).toBe(
      'INSERT INTO "things" ("id", "name", "kind") VALUES ($1, $2, $3), ($4, $5, $6)',
    );
    expect(
      statements.flatMap((statement) => statement.parameters).filter((_, index) => index % 3 === 0),
    ).toEqual(many.map((row) => row.id));
  });

  it('fits 10,000 rows of 7 columns into two statements under the 65,535-parameter limit', () => {
    const wide = Array.from({ length: 10_000 }, (_, index) => ({
      a: index,
      b: 0,
      c: 0,
      d: 0,
      e: 0,
      f: 0,
      g: 0,
    }));

    const statements = buildBulkInsertStatements('wide', wide);

    expect(statements.map((statement) => statement.parameters.length)).toEqual([
      9_362 * 7,
      (10_000 - 9_362) * 7,
    ]);
    expect(Math.max(...statements.map((statement) => statement.parameters.length))).toBeLessThanOrEqual(
      POSTGRES_MAX_PARAMETERS,
    );
    expect(statements[0].sql).toContain('($65528, $65529, $65530, $65531, $65532, $65533, $65534)');
    expect(statements[0].sql).not.toContain('$65535');
  });

  it('adds ON CONFLICT DO NOTHING, for any unique key or for the named one, and RETURNING', () => {
    const [anyConflict] = buildBulkInsertStatements('router.decisions', rows, {
      onConflictDoNothing: true,
      returning: ['message_id'],
    });
    const [namedKey] = buildBulkInsertStatements('router.decisions', rows, {
      onConflictDoNothing: ['tenant_id', 'message_id'],
      returning: ['message_id', 'attempt'],
    });

    expect(anyConflict.sql).toMatch(/\) ON CONFLICT DO NOTHING RETURNING "message_id"$/);
    expect(namedKey.sql).toMatch(
      /\) ON CONFLICT \("tenant_id", "message_id"\) DO NOTHING RETURNING "message_id", "attempt"$/,
    );
  });

  it('adds no conflict clause for onConflictDoNothing: false', () => {
    const [statement] = buildBulkInsertStatements('t', rows, { onConflictDoNothing: false, returning: [] });

    expect(statement.sql).toMatch(/VALUES \(\$1, \$2, \$3\), \(\$4, \$5, \$6\)$/);
  });

  it('quotes identifiers, doubling embedded quotes, so names cannot break out of the statement', () => {
    const [statement] = buildBulkInsertStatements('odd"schema.Mixed Case', [{ 'we"ird': 1, select: 2 }], {
      onConflictDoNothing: ['we"ird'],
      returning: ['select'],
    });

    expect(statement.sql).toBe(
      'INSERT INTO "odd""schema"."Mixed Case" ("we""ird", "select") VALUES ($1, $2) ON CONFLICT ("we""ird") DO NOTHING RETURNING "select"',
    );
  });

  it('builds nothing for no rows', () => {
    expect(buildBulkInsertStatements('t', [])).toEqual([]);
  });

  it.each([
    [
      'a row with a column the first row lacks',
      [{ a: 1 }, { a: 2, b: 3 }],
      'rows[1]: has column "b" that rows[0] lacks',
    ],
    [
      'a row without a column of the first row',
      [{ a: 1, b: 2 }, { a: 3 }],
      'rows[1]: lacks column "b" that rows[0] has',
    ],
    ['a first row without columns', [{}], 'rows[0]: has no columns to insert into t'],
  ])('refuses %s, naming the row and column', (_, badRows, message) => {
    expect(() => buildBulkInsertStatements('t', badRows as Array<Record<string, unknown>>)).toThrow(
      new PersistenceError('INVALID_BULK_INSERT', message),
    );
  });

  it('refuses an empty table part and an empty conflict target', () => {
    expect(() => buildBulkInsertStatements('ingest.', rows)).toThrow(/table: "ingest\." is not a table name/);
    expect(() => buildBulkInsertStatements('t', rows, { onConflictDoNothing: [] })).toThrow(
      /onConflictDoNothing: the conflict target names no column/,
    );
  });
});
