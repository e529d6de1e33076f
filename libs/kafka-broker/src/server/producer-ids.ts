import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const BLOCK_SIZE = 1000;

// Producer ids must never be reused across restarts: the log remembers each id's last
// sequence number, and a reused id starting again at sequence 0 would be refused. Ids are
// handed out from blocks whose end is made durable before the first id of a block is used.
export class ProducerIdAllocator {
  private readonly file: string;
  private next: number;
  private blockEnd: number;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.file = join(dataDir, 'producer-id-block');
    let persisted = 0;
    try {
      persisted = Number.parseInt(readFileSync(this.file, 'utf8'), 10) || 0;
    } catch {
      // First start: nothing allocated yet.
    }
    this.next = persisted;
    this.blockEnd = persisted;
  }

  allocate(): number {
    if (this.next >= this.blockEnd) {
      this.blockEnd = this.next + BLOCK_SIZE;
      const temporary = `${this.file}.tmp`;
      const fd = openSync(temporary, 'w');
      writeSync(fd, String(this.blockEnd));
      fsyncSync(fd);
      closeSync(fd);
      renameSync(temporary, this.file);
    }
    return this.next++;
  }
}
