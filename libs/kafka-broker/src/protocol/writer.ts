// Encodes Kafka protocol primitives into a growing buffer. A response is written once
// into one buffer, so sending it is a single socket write.

export class ProtocolWriter {
  private buffer: Buffer;
  private position = 0;

  constructor(initialSize = 256) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.position;
  }

  // Callers must call reserve() before touching this.buffer: it may replace the buffer.
  private reserve(bytes: number): number {
    const needed = this.position + bytes;
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.position);
      this.buffer = grown;
    }
    const at = this.position;
    this.position = needed;
    return at;
  }

  int8(value: number): this {
    const at = this.reserve(1);
    this.buffer.writeInt8(value, at);
    return this;
  }

  boolean(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  int16(value: number): this {
    const at = this.reserve(2);
    this.buffer.writeInt16BE(value, at);
    return this;
  }

  int32(value: number): this {
    const at = this.reserve(4);
    this.buffer.writeInt32BE(value, at);
    return this;
  }

  int64(value: number): this {
    const at = this.reserve(8);
    this.buffer.writeBigInt64BE(BigInt(value), at);
    return this;
  }

  unsignedVarint(value: number): this {
    let remaining = value >>> 0;
    while (remaining >= 0x80) {
      const at = this.reserve(1);
      this.buffer[at] = (remaining & 0x7f) | 0x80;
      remaining >>>= 7;
    }
    const at = this.reserve(1);
    this.buffer[at] = remaining;
    return this;
  }

  string(value: string): this {
    const length = Buffer.byteLength(value);
    this.int16(length);
    const at = this.reserve(length);
    this.buffer.write(value, at, length, 'utf8');
    return this;
  }

  nullableString(value: string | null): this {
    return value === null ? this.int16(-1) : this.string(value);
  }

  bytes(value: Buffer): this {
    this.int32(value.length);
    return this.raw(value);
  }

  nullableBytes(value: Buffer | null): this {
    return value === null ? this.int32(-1) : this.bytes(value);
  }

  raw(value: Uint8Array): this {
    const at = this.reserve(value.length);
    this.buffer.set(value, at);
    return this;
  }

  array<T>(items: readonly T[], writeItem: (item: T) => void): this {
    this.int32(items.length);
    for (const item of items) writeItem(item);
    return this;
  }

  nullableArray<T>(items: readonly T[] | null, writeItem: (item: T) => void): this {
    return items === null ? this.int32(-1) : this.array(items, writeItem);
  }

  /** Overwrites an int32 written earlier, e.g. a length known only at the end. */
  patchInt32(at: number, value: number): this {
    this.buffer.writeInt32BE(value, at);
    return this;
  }

  toBuffer(): Buffer {
    return this.buffer.subarray(0, this.position);
  }
}
