import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DeliveryMetricsReader, DeliveryMetricsSnapshot } from './get-delivery-metrics.usecase';

interface SnapshotRow {
  event_counts: DeliveryMetricsSnapshot['eventCounts'];
  circuits: DeliveryMetricsSnapshot['circuits'];
  parked_dead_letters: DeliveryMetricsSnapshot['parkedDeadLetters'];
  message_statuses: DeliveryMetricsSnapshot['messageStatuses'];
  decisions: DeliveryMetricsSnapshot['decisions'];
}

/**
 * Reads the rollups the timeline keeps as it stores events, and the parked dead letters through a
 * partial index: small grouped queries, never the event history. One statement, so that every figure
 * comes from the same snapshot (a batch stored between two queries would show in one figure only).
 */
@Injectable()
export class MetricsRepository implements DeliveryMetricsReader {
  constructor(private readonly dataSource: DataSource) {}

  async snapshot(): Promise<DeliveryMetricsSnapshot> {
    // A dead letter parked with no handler attempt never reached a handler: its payload was invalid.
    const [row]: SnapshotRow[] = await this.dataSource.query(
      `SELECT
         (SELECT coalesce(json_agg(counts ORDER BY channel, provider, type), '[]')
          FROM (SELECT channel, provider, type, sum(events) AS events
                FROM analytics.delivery_event_counts
                GROUP BY channel, provider, type) AS counts) AS event_counts,
         (SELECT coalesce(json_agg(circuits ORDER BY channel, provider), '[]')
          FROM (SELECT channel, provider, state FROM analytics.provider_circuits) AS circuits) AS circuits,
         (SELECT coalesce(json_agg(parked ORDER BY topic, cause), '[]')
          FROM (SELECT original_topic AS topic,
                       CASE WHEN attempts = 0 THEN 'invalid-payload' ELSE 'processing-failed' END AS cause,
                       count(*) AS "deadLetters"
                FROM analytics.dead_letters
                WHERE redriven_at IS NULL
                GROUP BY 1, 2) AS parked) AS parked_dead_letters,
         (SELECT coalesce(json_agg(statuses ORDER BY status), '[]')
          FROM (SELECT status, sum(messages) AS messages
                FROM analytics.message_status_counts
                GROUP BY status) AS statuses) AS message_statuses,
         (SELECT coalesce(json_agg(decided ORDER BY decision, rule), '[]')
          FROM (SELECT decision, rule, sum(decisions) AS decisions
                FROM analytics.decision_counts
                GROUP BY decision, rule) AS decided) AS decisions`,
    );
    return {
      eventCounts: row.event_counts,
      circuits: row.circuits,
      parkedDeadLetters: row.parked_dead_letters,
      messageStatuses: row.message_statuses,
      decisions: row.decisions,
    };
  }
}
