/**
 * What this process's consumers are doing, for Prometheus: whether each group is consuming, how
 * often one was restarted after a crash, and how many record batches were parked by position
 * instead of being handled. One registry per process, as the consumers of a service share it.
 */
export class ConsumerMetrics {
  private readonly up = new Map<string, boolean>();
  private readonly restarts = new Map<string, number>();
  private readonly skipped = new Map<
    string,
    { group: string; topic: string; reason: string; count: number }
  >();

  setUp(group: string, up: boolean): void {
    this.up.set(group, up);
  }

  countRestart(group: string): void {
    this.restarts.set(group, (this.restarts.get(group) ?? 0) + 1);
  }

  countSkippedBatch(group: string, topic: string, reason: string): void {
    const key = JSON.stringify([group, topic, reason]);
    const entry = this.skipped.get(key) ?? { group, topic, reason, count: 0 };
    entry.count += 1;
    this.skipped.set(key, entry);
  }

  /** The Prometheus text exposition format (version 0.0.4). */
  prometheusText(service: string): string {
    const lines = [
      '# HELP switchboard_consumer_up 1 while the consumer group is consuming; 0 while it starts, restarts after a crash, or has stopped.',
      '# TYPE switchboard_consumer_up gauge',
      ...[...this.up].map(
        ([group, up]) => `switchboard_consumer_up${labels({ service, group })} ${up ? 1 : 0}`,
      ),
      '# HELP switchboard_consumer_restarts_total Restarts of a consumer after a crash kafkajs gave up on.',
      '# TYPE switchboard_consumer_restarts_total counter',
      ...[...this.restarts].map(
        ([group, count]) => `switchboard_consumer_restarts_total${labels({ service, group })} ${count}`,
      ),
      '# HELP switchboard_batches_skipped_total Record batches parked on the dead-letter topic by position instead of being handled.',
      '# TYPE switchboard_batches_skipped_total counter',
      ...[...this.skipped.values()].map(
        ({ group, topic, reason, count }) =>
          `switchboard_batches_skipped_total${labels({ service, group, topic, reason })} ${count}`,
      ),
    ];
    return `${lines.join('\n')}\n`;
  }
}

/** The registry every ConsumerRunner of this process reports to. */
export const consumerMetrics = new ConsumerMetrics();

function labels(values: Record<string, string>): string {
  const pairs = Object.entries(values).map(
    ([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return `{${pairs.join(',')}}`;
}
