// Decodes Kafka protocol primitives. Every read is bounds-checked: a truncated or lying
// frame throws ProtocolDecodeError instead of reading garbage or allocating huge arrays.

export class ProtocolDecodeError extends Error {}

export class ProtocolReader {
  private position: number;

  constructor(
    private readonly buffer: Buffer,
    start = 0,
    private readonly end = buffer.length,
  ) {
    this.position = start;
  }

  get offset(): number {
    return this.position;
  }

  get remaining(): number {
    return this.end - this.position;
  }

  private take(bytes: number, what: string): number {
    if (bytes < 0 || this.position + bytes > this.end) {
      throw new ProtocolDecodeError(
        `truncated request: ${what} needs ${bytes} bytes, ${this.remaining} left`,
      );
    }
    const at = this.position;
    this.position += bytes;
    return at;
  }

  int8(): number {
    return this.buffer.readInt8(this.take(1, 'int8'));
  }

  boolean(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    return this.buffer.readInt16BE(this.take(2, 'int16'));
  }

  int32(): number {
    return this.buffer.readInt32BE(this.take(4, 'int32'));
  }

  int64(): number {
    return Number(this.buffer.readBigInt64BE(this.take(8, 'int64')));
  }

  unsignedVarint(): number {
    let value = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      const byte = this.buffer[this.take(1, 'varint')];
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value >>> 0;
    }
    throw new ProtocolDecodeError('varint longer than 5 bytes');
  }

  string(): string {
    const length = this.int16();
    if (length < 0) throw new ProtocolDecodeError('null where a string is required');
    return this.text(length);
  }

  nullableString(): string | null {
    const length = this.int16();
    return length < 0 ? null : this.text(length);
  }

  compactString(): string {
    const value = this.compactNullableString();
    if (value === null) throw new ProtocolDecodeError('null where a string is required');
    return value;
  }

  compactNullableString(): string | null {
    const lengthPlusOne = this.unsignedVarint();
    return lengthPlusOne === 0 ? null : this.text(lengthPlusOne - 1);
  }

  bytes(): Buffer {
    const value = this.nullableBytes();
    if (value === null) throw new ProtocolDecodeError('null where bytes are required');
    return value;
  }

  nullableBytes(): Buffer | null {
    const length = this.int32();
    if (length < 0) return null;
    const at = this.take(length, 'bytes');
    return this.buffer.subarray(at, at + length);
  }

  array<T>(readItem: () => T): T[] {
    const items = this.nullableArray(readItem);
    if (items === null) throw new ProtocolDecodeError('null where an array is required');
    return items;
  }

  nullableArray<T>(readItem: () => T): T[] | null {
    const count = this.int32();
    if (count < 0) return null;
    return this.items(count, readItem);
  }

  compactArray<T>(readItem: () => T): T[] | null {
    const countPlusOne = this.unsignedVarint();
    return countPlusOne === 0 ? null : this.items(countPlusOne - 1, readItem);
  }

  /** Flexible versions end structures with tagged fields; this broker reads and ignores them. */
  skipTaggedFields(): void {
    const count = this.unsignedVarint();
    for (let i = 0; i < count; i++) {
      this.unsignedVarint();
      this.take(this.unsignedVarint(), 'tagged field');
    }
  }

  private items<T>(count: number, readItem: () => T): T[] {
    // Every item takes at least one byte, so a count above the bytes left is a lie.
    if (count > this.remaining) {
      throw new ProtocolDecodeError(`array claims ${count} items but only ${this.remaining} bytes remain`);
    }
    const items = new Array<T>(count);
    for (let i = 0; i < count; i++) items[i] = readItem();
    return items;
  }

  private text(length: number): string {
    const at = this.take(length, 'string');
    return this.buffer.toString('utf8', at, at + length);
  }
}
