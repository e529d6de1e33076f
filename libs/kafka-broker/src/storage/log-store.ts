import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../protocol/error-codes';
import { LogError, type LogStoreOptions, type TopicDescription } from './log-types';
import { PartitionLog, type PartitionSettings } from './partition-log';

const RETENTION_CHECK_MS = 30_000;

interface Topic {
  description: TopicDescription;
  partitions: PartitionLog[];
}

// Every topic's partitions on disk under dataDir/topics/<topic>/<partition>/, plus the
// timers that flush (fsync 'interval') and apply retention.
export class LogStore {
  private readonly topics = new Map<string, Topic>();
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;

  private constructor(
    private readonly options: LogStoreOptions,
    private readonly log: (line: string) => void,
  ) {}

  static open(options: LogStoreOptions, log: (line: string) => void = () => undefined): LogStore {
    const store = new LogStore(options, log);
    const topicsDirectory = join(options.dataDir, 'topics');
    mkdirSync(topicsDirectory, { recursive: true });
    for (const name of readdirSync(topicsDirectory)) {
      const metadataFile = join(topicsDirectory, name, 'topic.json');
      if (!existsSync(metadataFile)) continue;
      const description = JSON.parse(readFileSync(metadataFile, 'utf8')) as TopicDescription;
      store.load(description);
    }
    if (options.fsync === 'interval') {
      store.every(options.fsyncIntervalMs, () => {
        for (const topic of store.topics.values())
          for (const partition of topic.partitions) partition.flushInBackground();
      });
    }
    store.every(RETENTION_CHECK_MS, () => store.enforceRetention());
    return store;
  }

  private every(intervalMs: number, work: () => void): void {
    const timer = setInterval(() => {
      try {
        work();
      } catch (error) {
        this.log(`storage maintenance failed: ${(error as Error).message}`);
      }
    }, intervalMs);
    timer.unref();
    this.timers.push(timer);
  }

  private load(description: TopicDescription): Topic {
    const settings = this.settingsFor(description);
    const directory = this.topicDirectory(description.name);
    const topic: Topic = {
      description,
      partitions: Array.from({ length: description.partitions }, (_, partition) =>
        PartitionLog.open(
          description.name,
          partition,
          join(directory, String(partition)),
          settings,
          this.log,
        ),
      ),
    };
    this.topics.set(description.name, topic);
    return topic;
  }

  private settingsFor(description: TopicDescription): PartitionSettings {
    const configured = (key: string, fallback: number) =>
      description.configs[key] !== undefined ? Number(description.configs[key]) : fallback;
    return {
      segmentBytes: configured('segment.bytes', this.options.segmentBytes),
      retentionMs: configured('retention.ms', this.options.retentionMs),
      retentionBytes: configured('retention.bytes', this.options.retentionBytes),
      fsync: this.options.fsync,
    };
  }

  private topicDirectory(name: string): string {
    return join(this.options.dataDir, 'topics', name);
  }

  listTopics(): TopicDescription[] {
    return [...this.topics.values()].map((topic) => topic.description);
  }

  getTopic(name: string): TopicDescription | undefined {
    return this.topics.get(name)?.description;
  }

  createTopic(name: string, partitions: number, configs: Record<string, string>): TopicDescription {
    if (this.topics.has(name))
      throw new LogError(ErrorCode.TOPIC_ALREADY_EXISTS, `topic ${name} already exists`);
    const description: TopicDescription = { name, partitions, configs };
    const directory = this.topicDirectory(name);
    mkdirSync(directory, { recursive: true });
    const topic = this.load(description);
    // Metadata last, through a rename: a crash mid-creation leaves no half-described topic.
    const metadataFile = join(directory, 'topic.json');
    writeFileSync(`${metadataFile}.tmp`, JSON.stringify(description));
    renameSync(`${metadataFile}.tmp`, metadataFile);
    return topic.description;
  }

  deleteTopic(name: string): boolean {
    const topic = this.topics.get(name);
    if (!topic) return false;
    for (const partition of topic.partitions) partition.close();
    this.topics.delete(name);
    rmSync(this.topicDirectory(name), { recursive: true, force: true });
    return true;
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.partitions[partition];
  }

  enforceRetention(now = Date.now()): void {
    for (const topic of this.topics.values()) {
      const settings = this.settingsFor(topic.description);
      for (const partition of topic.partitions)
        partition.enforceRetention(now, settings.retentionMs, settings.retentionBytes);
    }
  }

  flush(): void {
    for (const topic of this.topics.values()) for (const partition of topic.partitions) partition.flush();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const topic of this.topics.values()) for (const partition of topic.partitions) partition.close();
  }
}
