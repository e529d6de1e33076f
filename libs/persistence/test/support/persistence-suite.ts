import { Injectable } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Test } from '@nestjs/testing';
import type { DataSource, MigrationInterface, QueryRunner, Repository } from 'typeorm';
import { bulkInsert, buildBulkInsertStatements } from '../../src/bulk-insert';
import { type ClassConstructor, createDataSource } from '../../src/data-source';
import { DatabaseHealthIndicator } from '../../src/database-health.indicator';
import { migrate } from '../../src/migrate';
import { PersistenceError } from '../../src/persistence-error';
import { PersistenceModule } from '../../src/persistence.module';
import { isUniqueViolation } from '../../src/unique-violation';
import type { TestDatabaseServer } from './database-servers';
import { CreateWidgets1700000000000 } from './migrations/1700000000000-create-widgets';
import { CreateEvents1700000000001 } from './migrations/1700000000001-create-events';
import { schemaOf } from './migrations/schema-of';
import { Widget } from './widget.entity';

const MIGRATIONS = [CreateWidgets1700000000000, CreateEvents1700000000001];
const MIGRATION_NAMES = ['CreateWidgets1700000000000', 'CreateEvents1700000000001'];

class FailingMigration1700000000002 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "${schemaOf(queryRunner)}"."half_done" ("id" integer)`);
    await queryRunner.query(`ALTER TABLE "${schemaOf(queryRunner)}"."no_such_table" ADD COLUMN "x" integer`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${schemaOf(queryRunner)}"."half_done"`);
  }
}

interface EventRow extends Record<string, unknown> {
  source: string;
  sequence: number;
  kind: string;
  payload: string;
  amount: string;
  recorded_at: Date;
  note: string | null;
}

function eventRows(source: string, from: number, count: number): EventRow[] {
  return Array.from({ length: count }, (_, offset) => {
    const sequence = from + offset;
    return {
      source,
      sequence,
      kind: sequence % 2 === 0 ? 'sent' : 'delivered',
      payload: JSON.stringify({ sequence, tags: ['a', 'b'] }),
      amount: `${sequence}.25`,
      recorded_at: new Date(Date.UTC(2030, 0, 1, 0, 0, sequence % 60)),
      note: sequence % 3 === 0 ? null : `note ${sequence}`,
    };
  });
}

/** The same behaviour on real PostgreSQL and on embedded PGlite; each test works in a schema of its own. */
export function describePersistenceSuite(startServer: () => Promise<TestDatabaseServer>): void {
  let server: TestDatabaseServer;
  let schemaCount = 0;
  const openDataSources: DataSource[] = [];

  beforeAll(async () => {
    server = await startServer();
  });

  afterEach(async () => {
    const closing = openDataSources.splice(0).filter((dataSource) => dataSource.isInitialized);
    await Promise.all(closing.map((dataSource) => dataSource.destroy()));
  });

  afterAll(async () => {
    await server?.stop();
  });

  function newSchema(): string {
    schemaCount += 1;
    return `suite_${schemaCount}`;
  }

  async function openDataSource(
    schema: string,
    migrations: ClassConstructor[] = MIGRATIONS,
  ): Promise<DataSource> {
    const dataSource = createDataSource({ url: server.url, schema, entities: [Widget], migrations });
    openDataSources.push(dataSource);
    return dataSource.initialize();
  }

  async function tablesIn(dataSource: DataSource, schema: string): Promise<string[]> {
    const rows: Array<{ table_name: string }> = await dataSource.query(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    return rows.map((row) => row.table_name);
  }

  async function migrated(schema: string): Promise<DataSource> {
    const dataSource = await openDataSource(schema);
    await migrate(dataSource, schema);
    return dataSource;
  }

  describe('migrate', () => {
    it('creates the schema and its tables, records each migration once and applies nothing the second time', async () => {
      const schema = newSchema();
      const dataSource = await openDataSource(schema);

      expect(await migrate(dataSource, schema)).toEqual(MIGRATION_NAMES);
      expect(await migrate(dataSource, schema)).toEqual([]);

      expect(await tablesIn(dataSource, schema)).toEqual(['events', 'migrations', 'widgets']);
      const recorded: Array<{ name: string }> = await dataSource.query(
        `SELECT name FROM "${schema}"."migrations" ORDER BY id`,
      );
      expect(recorded.map((row) => row.name)).toEqual(MIGRATION_NAMES);
    });

    it('applies each migration once when two replicas migrate at the same time', async () => {
      const schema = newSchema();
      const [first, second] = await Promise.all([openDataSource(schema), openDataSource(schema)]);

      const results = await Promise.all([migrate(first, schema), migrate(second, schema)]);

      expect(results.flat()).toEqual(MIGRATION_NAMES);
      expect(results.some((applied) => applied.length === 0)).toBe(true);
      const [{ count }] = await first.query(`SELECT count(*)::int AS count FROM "${schema}"."migrations"`);
      expect(count).toBe(MIGRATION_NAMES.length);
    });

    it('rolls back every migration of a failed run and reports MIGRATION_FAILED', async () => {
      const schema = newSchema();
      const dataSource = await openDataSource(schema, [...MIGRATIONS, FailingMigration1700000000002]);

      const failure = await migrate(dataSource, schema).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(PersistenceError);
      expect(failure).toMatchObject({ code: 'MIGRATION_FAILED' });
      expect((failure as Error).message).toContain('no_such_table');
      expect(await tablesIn(dataSource, schema)).toEqual([]);
      const afterFix = await openDataSource(schema);
      expect(await migrate(afterFix, schema)).toEqual(MIGRATION_NAMES);
    });

    it("refuses a schema other than the data source's", async () => {
      const dataSource = await openDataSource(newSchema());

      await expect(migrate(dataSource, 'somewhere_else')).rejects.toMatchObject({
        code: 'INVALID_DATABASE_OPTIONS',
      });
    });
  });

  describe('entities', () => {
    it('saves an entity with a generated uuid primary key and loads it back', async () => {
      const widgets = (await migrated(newSchema())).getRepository(Widget);

      const saved = await widgets.save(widgets.create({ name: 'sprocket' }));

      expect(saved.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const loaded = await widgets.findOneByOrFail({ id: saved.id });
      expect(loaded.name).toBe('sprocket');
      expect(loaded.createdAt).toBeInstanceOf(Date);
    });

    it('recognises a unique violation, and only that, with isUniqueViolation', async () => {
      const dataSource = await migrated(newSchema());
      const widgets = dataSource.getRepository(Widget);
      await widgets.insert({ name: 'sprocket' });

      const duplicate = await widgets.insert({ name: 'sprocket' }).catch((error: unknown) => error);
      const missingName = await widgets.insert({}).catch((error: unknown) => error);

      expect(isUniqueViolation(duplicate)).toBe(true);
      expect(missingName).toBeInstanceOf(Error);
      expect(isUniqueViolation(missingName)).toBe(false);
    });
  });

  describe('bulkInsert', () => {
    it('lands 10,000 rows sent as several statements under the parameter limit', async () => {
      const schema = newSchema();
      const dataSource = await migrated(schema);
      const rows = eventRows('bulk', 0, 10_000);
      expect(buildBulkInsertStatements(`${schema}.events`, rows).length).toBeGreaterThan(1);

      const returned = await bulkInsert(dataSource, `${schema}.events`, rows);

      expect(returned).toEqual([]);
      const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM "${schema}"."events"`);
      expect(count).toBe(10_000);
      const [stored] = await dataSource.query(`SELECT * FROM "${schema}"."events" WHERE sequence = 9998`);
      expect(stored).toEqual({ ...rows[9998], payload: { sequence: 9998, tags: ['a', 'b'] } });
    });

    it('skips duplicates with onConflictDoNothing and returns only the rows it inserted', async () => {
      const schema = newSchema();
      const dataSource = await migrated(schema);
      await bulkInsert(dataSource, `${schema}.events`, eventRows('bulk', 0, 10_000));

      const inserted = await bulkInsert(
        dataSource.manager,
        `${schema}.events`,
        eventRows('bulk', 5_000, 10_000),
        {
          onConflictDoNothing: true,
          returning: ['sequence'],
        },
      );

      expect(inserted).toHaveLength(5_000);
      expect(inserted.map((row) => row.sequence)).toEqual(
        Array.from({ length: 5_000 }, (_, index) => 10_000 + index),
      );
      const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM "${schema}"."events"`);
      expect(count).toBe(15_000);
    });

    it('skips conflicts on a named unique key and fails on a duplicate without onConflictDoNothing', async () => {
      const schema = newSchema();
      const dataSource = await migrated(schema);
      await bulkInsert(dataSource, `${schema}.events`, eventRows('keyed', 0, 3));

      const inserted = await bulkInsert(dataSource, `${schema}.events`, eventRows('keyed', 2, 3), {
        onConflictDoNothing: ['source', 'sequence'],
        returning: ['source', 'sequence'],
      });
      const duplicate = await bulkInsert(dataSource, `${schema}.events`, eventRows('keyed', 4, 2)).catch(
        (error: unknown) => error,
      );

      expect(inserted).toEqual([
        { source: 'keyed', sequence: 3 },
        { source: 'keyed', sequence: 4 },
      ]);
      expect(isUniqueViolation(duplicate)).toBe(true);
      const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM "${schema}"."events"`);
      expect(count).toBe(5);
    });

    it("rolls back with the caller's transaction", async () => {
      const schema = newSchema();
      const dataSource = await migrated(schema);

      const outcome = await dataSource
        .transaction(async (manager) => {
          await bulkInsert(manager, `${schema}.events`, eventRows('rolled-back', 0, 10_000));
          throw new Error('abandon the transaction');
        })
        .catch((error: Error) => error.message);

      expect(outcome).toBe('abandon the transaction');
      const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM "${schema}"."events"`);
      expect(count).toBe(0);
    });
  });

  describe('PersistenceModule', () => {
    @Injectable()
    class WidgetCatalog {
      constructor(@InjectRepository(Widget) readonly widgets: Repository<Widget>) {}
    }

    it('migrates before the app serves, injects repositories and answers the health check until closed', async () => {
      const schema = newSchema();
      const moduleRef = await Test.createTestingModule({
        imports: [
          PersistenceModule.forRoot({ url: server.url, schema, entities: [Widget], migrations: MIGRATIONS }),
          TypeOrmModule.forFeature([Widget]),
        ],
        providers: [WidgetCatalog],
      }).compile();
      await moduleRef.init();
      const health = moduleRef.get(DatabaseHealthIndicator);

      const saved = await moduleRef.get(WidgetCatalog).widgets.save({ name: 'gear' });

      expect(await moduleRef.get(WidgetCatalog).widgets.findOneByOrFail({ id: saved.id })).toMatchObject({
        name: 'gear',
      });
      expect(await health.isHealthy()).toBe(true);
      await moduleRef.close();
      expect(await health.isHealthy()).toBe(false);
    });
  });
}
