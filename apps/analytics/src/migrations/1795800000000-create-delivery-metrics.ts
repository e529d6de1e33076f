import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDeliveryMetrics1795800000000 implements MigrationInterface {
  name = 'CreateDeliveryMetrics1795800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Counter rows are kept per delivery-events partition: batches of different partitions, stored
    // at the same time, then never wait on each other's rows. A metrics scrape sums the partitions.
    await queryRunner.query(`
      CREATE TABLE analytics.delivery_event_counts (
        shard integer NOT NULL,
        channel text NOT NULL,
        provider text NOT NULL,
        type text NOT NULL,
        events bigint NOT NULL,
        PRIMARY KEY (channel, provider, type, shard)
      )`);
    await queryRunner.query(`
      CREATE TABLE analytics.message_status_counts (
        shard integer NOT NULL,
        status text NOT NULL,
        messages bigint NOT NULL,
        PRIMARY KEY (status, shard)
      )`);
    await queryRunner.query(`
      CREATE TABLE analytics.provider_circuits (
        channel text NOT NULL,
        provider text NOT NULL,
        state text NOT NULL,
        changed_at timestamptz NOT NULL,
        PRIMARY KEY (channel, provider)
      )`);
    // The scrape counts parked dead letters per topic and cause without reading redriven ones.
    await queryRunner.query(`
      CREATE INDEX dead_letters_parked ON analytics.dead_letters (original_topic, attempts)
      WHERE redriven_at IS NULL`);

    // What was stored before the rollups existed, counted once here (shard 0, like any other).
    await queryRunner.query(`
      INSERT INTO analytics.delivery_event_counts (shard, channel, provider, type, events)
      SELECT 0, coalesce(channel, ''), coalesce(provider, ''), type, count(*)
      FROM analytics.delivery_events
      GROUP BY coalesce(channel, ''), coalesce(provider, ''), type`);
    await queryRunner.query(`
      INSERT INTO analytics.message_status_counts (shard, status, messages)
      SELECT 0, status, count(*) FROM analytics.message_status GROUP BY status`);
    await queryRunner.query(`
      INSERT INTO analytics.provider_circuits (channel, provider, state, changed_at)
      SELECT DISTINCT ON (channel, provider) channel, provider, detail->>'to', occurred_at
      FROM analytics.delivery_events
      WHERE type = 'circuit-changed' AND channel IS NOT NULL AND provider IS NOT NULL
        AND detail->>'to' IN ('closed', 'half-open', 'open')
      ORDER BY channel, provider, occurred_at DESC, id DESC`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX analytics.dead_letters_parked`);
    await queryRunner.query(`DROP TABLE analytics.provider_circuits`);
    await queryRunner.query(`DROP TABLE analytics.message_status_counts`);
    await queryRunner.query(`DROP TABLE analytics.delivery_event_counts`);
  }
}
