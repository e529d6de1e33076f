import {
  appendFileSync,
  closeSync,
  fdatasyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { CommittedOffset, OffsetCommitEntry, OffsetStore } from '../groups/group-types';
import type { FsyncPolicy } from './log-types';

interface CommitLine {
  group: string;
  topic: string;
  partition: number;
  offset: number;
  metadata: string | null;
  /** Present (true) on a line that deletes the whole group. */
  deleted?: boolean;
}

// Committed offsets as an append-only file of JSON lines, replayed on open and rewritten
// compacted when superseded lines outnumber live ones.
export class FileOffsetStore implements OffsetStore {
  private readonly offsets = new Map<
    string,
    Map<string, CommittedOffset & { topic: string; partition: number }>
  >();
  private fd: number;
  private lines = 0;
  private dirty = false;
  private readonly timer?: NodeJS.Timeout;

  private constructor(
    private readonly file: string,
    private readonly fsync: FsyncPolicy,
    fsyncIntervalMs: number,
  ) {
    this.replay();
    this.compact();
    this.fd = openSync(file, 'a');
    if (fsync === 'interval') {
      this.timer = setInterval(() => this.flush(), fsyncIntervalMs);
      this.timer.unref();
    }
  }

  static open(dataDir: string, fsync: FsyncPolicy, fsyncIntervalMs = 1000): FileOffsetStore {
    const directory = join(dataDir, 'consumer-offsets');
    mkdirSync(directory, { recursive: true });
    return new FileOffsetStore(join(directory, 'offsets.log'), fsync, fsyncIntervalMs);
  }

  private replay(): void {
    let text = '';
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return;
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      let entry: CommitLine;
      try {
        entry = JSON.parse(line) as CommitLine;
      } catch {
        continue; // a torn last line from a crash
      }
      if (entry.deleted) this.offsets.delete(entry.group);
      else this.apply(entry);
    }
  }

  private apply(entry: CommitLine): void {
    let group = this.offsets.get(entry.group);
    if (!group) this.offsets.set(entry.group, (group = new Map()));
    group.set(`${entry.topic}\u0000${entry.partition}`, {
      topic: entry.topic,
      partition: entry.partition,
      offset: entry.offset,
      metadata: entry.metadata,
    });
  }

  private compact(): void {
    const live: string[] = [];
    for (const [group, entries] of this.offsets) {
      for (const entry of entries.values()) live.push(JSON.stringify({ group, ...entry }));
    }
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, live.length > 0 ? `${live.join('\n')}\n` : '');
    const fd = openSync(temporary, 'r+');
    fdatasyncSync(fd);
    closeSync(fd);
    renameSync(temporary, this.file);
    this.lines = live.length;
  }

  private write(lines: CommitLine[]): void {
    appendFileSync(this.fd, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    this.lines += lines.length;
    this.dirty = true;
    if (this.fsync === 'always') this.flush();
    let liveCount = 0;
    for (const entries of this.offsets.values()) liveCount += entries.size;
    if (this.lines > 10_000 && this.lines > liveCount * 4) {
      closeSync(this.fd);
      this.compact();
      this.fd = openSync(this.file, 'a');
    }
  }

  commit(groupId: string, entries: OffsetCommitEntry[]): void {
    const lines = entries.map((entry) => ({ group: groupId, ...entry }));
    for (const line of lines) this.apply(line);
    this.write(lines);
  }

  fetch(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    const entry = this.offsets.get(groupId)?.get(`${topic}\u0000${partition}`);
    return entry && { offset: entry.offset, metadata: entry.metadata };
  }

  committedPartitions(groupId: string): { topic: string; partition: number }[] {
    return [...(this.offsets.get(groupId)?.values() ?? [])].map(({ topic, partition }) => ({
      topic,
      partition,
    }));
  }

  groupIds(): string[] {
    return [...this.offsets.keys()];
  }

  deleteGroup(groupId: string): void {
    if (!this.offsets.delete(groupId)) return;
    this.write([{ group: groupId, topic: '', partition: -1, offset: -1, metadata: null, deleted: true }]);
  }

  private flush(): void {
    if (!this.dirty || this.fd < 0) return;
    fdatasyncSync(this.fd);
    this.dirty = false;
  }

  close(): void {
    if (this.fd < 0) return;
    if (this.timer) clearInterval(this.timer);
    this.dirty = true;
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
  }
}
