// Rows per second written by TypeORM's save(), one row at a time, against bulkInsert() in batches
// the size a Kafka consumer hands over, on PostgreSQL (TEST_DATABASE_URL, default local) and on
// embedded PGlite. Run: node -r @swc-node/register libs/persistence/bench/bulk-insert.bench.ts
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import {
  Column,
  type DataSource,
  Entity,
  type MigrationInterface,
  PrimaryGeneratedColumn,
  type QueryRunner,
} from 'typeorm';
import { bulkInsert } from '../src/bulk-insert';
import { createDataSource } from '../src/data-source';
import { migrate } from '../src/migrate';
import {
  createPostgresDatabase,
  startInMemoryEmbeddedPostgres,
  type TestDatabaseServer,
} from '../test/support/database-servers';

const SCHEMA = 'bench';
const SAVED_ROWS = 1_000;
const BULK_ROWS = 50_000;
const BULK_BATCH_ROWS = 1_000;

@Entity({ name: 'delivery_events' })
class DeliveryEvent {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'message_id', type: 'uuid' })
  messageId!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;
}

class CreateDeliveryEvents1700000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "${SCHEMA}"."delivery_events" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "message_id" uuid NOT NULL,
        "kind" text NOT NULL,
        "payload" jsonb NOT NULL,
        "occurred_at" timestamptz NOT NULL
      )`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${SCHEMA}"."delivery_events"`);
  }
}

interface Measurement {
  target: string;
  method: string;
  rows: number;
  seconds: number;
}

function event(index: number): DeliveryEvent {
  return Object.assign(new DeliveryEvent(), {
    messageId: randomUUID(),
    kind: index % 2 === 0 ? 'sent' : 'delivered',
    payload: { provider: 'ses', attempt: 1, index },
    occurredAt: new Date(),
  });
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function measureTarget(
  target: string,
  startServer: () => Promise<TestDatabaseServer>,
): Promise<Measurement[]> {
  const server = await startServer();
  let dataSource: DataSource | undefined;
  try {
    dataSource = await createDataSource({
      url: server.url,
      schema: SCHEMA,
      entities: [DeliveryEvent],
      migrations: [CreateDeliveryEvents1700000000000],
    }).initialize();
    await migrate(dataSource, SCHEMA);
    const events = dataSource.getRepository(DeliveryEvent);

    const saveSeconds = await timed(async () => {
      for (let index = 0; index < SAVED_ROWS; index++) await events.save(event(index));
    });
    const bulkSeconds = await timed(async () => {
      for (let start = 0; start < BULK_ROWS; start += BULK_BATCH_ROWS) {
        const rows = Array.from({ length: BULK_BATCH_ROWS }, (_, offset) => {
          const { messageId, kind, payload, occurredAt } = event(start + offset);
          return { message_id: messageId, kind, payload: JSON.stringify(payload), occurred_at: occurredAt };
        });
        await bulkInsert(dataSource as DataSource, `${SCHEMA}.delivery_events`, rows);
      }
    });
    const [{ count }] = await dataSource.query(
      `SELECT count(*)::integer AS count FROM "${SCHEMA}"."delivery_events"`,
    );
    if (count !== SAVED_ROWS + BULK_ROWS)
      throw new Error(`${target}: expected ${SAVED_ROWS + BULK_ROWS} rows, found ${count}`);

    return [
      { target, method: 'save(), one row at a time', rows: SAVED_ROWS, seconds: saveSeconds },
      {
        target,
        method: `bulkInsert(), ${BULK_BATCH_ROWS}-row batches`,
        rows: BULK_ROWS,
        seconds: bulkSeconds,
      },
    ];
  } finally {
    await dataSource?.destroy();
    await server.stop();
  }
}

function printTable(measurements: Measurement[]): void {
  const rows = [
    ['database', 'method', 'rows', 'seconds', 'rows/s'],
    ...measurements.map(({ target, method, rows: count, seconds }) => [
      target,
      method,
      count.toLocaleString('en-US'),
      seconds.toFixed(2),
      Math.round(count / seconds).toLocaleString('en-US'),
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) {
    console.log(
      row
        .map((cell, column) => (column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
        .join('  '),
    );
  }
}

async function main(): Promise<void> {
  const measurements = [
    ...(await measureTarget('PostgreSQL', createPostgresDatabase)),
    ...(await measureTarget('PGlite (embedded)', startInMemoryEmbeddedPostgres)),
  ];
  printTable(measurements);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
