import { connect, type Socket } from 'node:net';

// A deliberately independent encoder for hand-built requests: the bad-input tests must not
// share the broker's own protocol code, or a bug there would cancel out on both sides.

export class WireWriter {
  private readonly parts: Buffer[] = [];

  int8(value: number): this {
    return this.push(1, (buffer) => buffer.writeInt8(value));
  }

  int16(value: number): this {
    return this.push(2, (buffer) => buffer.writeInt16BE(value));
  }

  int32(value: number): this {
    return this.push(4, (buffer) => buffer.writeInt32BE(value));
  }

  uint32(value: number): this {
    return this.push(4, (buffer) => buffer.writeUInt32BE(value));
  }

  int64(value: number | bigint): this {
    return this.push(8, (buffer) => buffer.writeBigInt64BE(BigInt(value)));
  }

  unsignedVarint(value: number): this {
    const bytes: number[] = [];
    let remaining = value >>> 0;
    while (remaining >= 0x80) {
      bytes.push((remaining & 0x7f) | 0x80);
      remaining >>>= 7;
    }
    bytes.push(remaining);
    return this.raw(Buffer.from(bytes));
  }

  /** Zig-zag varint, as record fields use; handles the full 64-bit range (timestamps). */
  varlong(value: number | bigint): this {
    const signed = BigInt(value);
    let zigzag = BigInt.asUintN(64, (signed << 1n) ^ (signed >> 63n));
    const bytes: number[] = [];
    while (zigzag >= 0x80n) {
      bytes.push(Number(zigzag & 0x7fn) | 0x80);
      zigzag >>= 7n;
    }
    bytes.push(Number(zigzag));
    return this.raw(Buffer.from(bytes));
  }

  varint(value: number): this {
    return this.varlong(value);
  }

  string(value: string): this {
    const bytes = Buffer.from(value, 'utf8');
    return this.int16(bytes.length).raw(bytes);
  }

  nullableString(value: string | null): this {
    return value === null ? this.int16(-1) : this.string(value);
  }

  compactString(value: string): this {
    const bytes = Buffer.from(value, 'utf8');
    return this.unsignedVarint(bytes.length + 1).raw(bytes);
  }

  bytes(value: Buffer | null): this {
    return value === null ? this.int32(-1) : this.int32(value.length).raw(value);
  }

  array<T>(items: readonly T[], writeItem: (item: T) => void): this {
    this.int32(items.length);
    for (const item of items) writeItem(item);
    return this;
  }

  raw(value: Buffer): this {
    this.parts.push(value);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }

  private push(size: number, write: (buffer: Buffer) => void): this {
    const buffer = Buffer.alloc(size);
    write(buffer);
    return this.raw(buffer);
  }
}

export interface RequestFrame {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId?: string | null;
  body?: Buffer;
  /** Request header v2 (flexible versions): a tagged-fields byte after the client id. */
  flexibleHeader?: boolean;
}

/** int32 size, then request header v1 (or v2) and the body. */
export function frameRequest({
  apiKey,
  apiVersion,
  correlationId,
  clientId = 'raw-client',
  body,
  flexibleHeader,
}: RequestFrame): Buffer {
  const header = new WireWriter()
    .int16(apiKey)
    .int16(apiVersion)
    .int32(correlationId)
    .nullableString(clientId);
  if (flexibleHeader) header.unsignedVarint(0);
  const payload = Buffer.concat([header.toBuffer(), body ?? Buffer.alloc(0)]);
  return Buffer.concat([new WireWriter().int32(payload.length).toBuffer(), payload]);
}

/** A plain TCP client that records what the broker sends back and whether it hung up. */
export class RawClient {
  private received = Buffer.alloc(0);
  private closedFlag = false;
  private nextCorrelationId = 1;
  /** Resolves when the broker (or we) closed the connection. */
  readonly closed: Promise<void>;
  /** Local port, to recognise this connection in the broker's log lines; kept because a closed socket forgets it. */
  readonly localPort: number;

  private constructor(private readonly socket: Socket) {
    this.localPort = socket.localPort ?? -1;
    socket.on('data', (chunk) => (this.received = Buffer.concat([this.received, chunk])));
    // A reset from a broker that hung up on unread input is a close, not a test failure.
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.closedFlag = true;
        resolve();
      }),
    );
  }

  static connect(address: string): Promise<RawClient> {
    const [host, port] = splitAddress(address);
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawClient(socket));
      });
    });
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  write(bytes: Buffer): Promise<void> {
    return new Promise((resolve) => {
      // A broker that closes mid-write makes the callback fail; the close is what tests observe.
      if (this.closedFlag) return resolve();
      this.socket.write(bytes, () => resolve());
    });
  }

  /** Sends one request and resolves with the response body (after the correlation id). */
  async request(
    frame: Omit<RequestFrame, 'correlationId'> & { correlationId?: number },
    timeoutMs = 5000,
  ): Promise<Buffer> {
    const correlationId = frame.correlationId ?? this.nextCorrelationId++;
    await this.write(frameRequest({ ...frame, correlationId }));
    return this.response(correlationId, timeoutMs);
  }

  /** Waits for the next response frame, which must carry the given correlation id. */
  async response(correlationId: number, timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.received.length >= 4) {
        const size = this.received.readInt32BE(0);
        if (this.received.length >= size + 4) {
          const frame = this.received.subarray(4, size + 4);
          this.received = this.received.subarray(size + 4);
          const answeredId = frame.readInt32BE(0);
          if (answeredId !== correlationId)
            throw new Error(`response carries correlation id ${answeredId}, expected ${correlationId}`);
          return frame.subarray(4);
        }
      }
      if (this.closedFlag)
        throw new Error(`connection closed before the response to correlation id ${correlationId}`);
      if (Date.now() > deadline)
        throw new Error(`no response to correlation id ${correlationId} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Bytes received and not yet consumed as a response. */
  get pendingBytes(): number {
    return this.received.length;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
}

/** A cursor over a response body, for the few fields the tests read. */
export class WireReader {
  private position = 0;

  constructor(private readonly buffer: Buffer) {}

  int8(): number {
    return this.buffer.readInt8(this.advance(1));
  }

  int16(): number {
    return this.buffer.readInt16BE(this.advance(2));
  }

  int32(): number {
    return this.buffer.readInt32BE(this.advance(4));
  }

  int64(): bigint {
    return this.buffer.readBigInt64BE(this.advance(8));
  }

  string(): string {
    const length = this.int16();
    const at = this.advance(length);
    return this.buffer.toString('utf8', at, at + length);
  }

  array<T>(readItem: () => T): T[] {
    const count = this.int32();
    return Array.from({ length: count }, readItem);
  }

  get remaining(): number {
    return this.buffer.length - this.position;
  }

  private advance(bytes: number): number {
    if (this.position + bytes > this.buffer.length)
      throw new Error(`response truncated: need ${bytes} bytes at ${this.position}`);
    const at = this.position;
    this.position += bytes;
    return at;
  }
}

// CRC-32C (Castagnoli), bit by bit: slow and obviously right, unlike the broker's table version.
export function crc32cReference(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

export interface RawRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: [string, Buffer][];
}

/** A record batch v2 (magic 2, no compression, not idempotent) as a producer would send it. */
export function encodeRecordBatch(records: RawRecord[], baseTimestamp = Date.now()): Buffer {
  const encodedRecords = records.map((record, index) => {
    const body = new WireWriter()
      .int8(0) // attributes
      .varlong(0) // timestamp delta
      .varint(index); // offset delta
    writeVarBytes(body, record.key);
    writeVarBytes(body, record.value);
    body.varint(record.headers?.length ?? 0);
    for (const [name, value] of record.headers ?? []) {
      writeVarBytes(body, Buffer.from(name, 'utf8'));
      writeVarBytes(body, value);
    }
    const bytes = body.toBuffer();
    return new WireWriter().varint(bytes.length).raw(bytes).toBuffer();
  });
  // Everything the CRC covers: attributes to the end.
  const crcCovered = new WireWriter()
    .int16(0) // attributes: no compression, not transactional
    .int32(records.length - 1) // last offset delta
    .int64(baseTimestamp)
    .int64(baseTimestamp) // max timestamp
    .int64(-1) // producer id
    .int16(-1) // producer epoch
    .int32(-1) // base sequence
    .int32(records.length)
    .raw(Buffer.concat(encodedRecords))
    .toBuffer();
  const afterLength = new WireWriter()
    .int32(-1) // partition leader epoch
    .int8(2) // magic
    .uint32(crc32cReference(crcCovered))
    .raw(crcCovered)
    .toBuffer();
  return new WireWriter().int64(0).int32(afterLength.length).raw(afterLength).toBuffer();
}

function writeVarBytes(writer: WireWriter, value: Buffer | null): void {
  if (value === null) writer.varint(-1);
  else writer.varint(value.length).raw(value);
}

/** Produce v3+ request body for one partition. */
export function produceBody(topic: string, partition: number, records: Buffer, acks = -1): Buffer {
  const body = new WireWriter()
    .nullableString(null) // transactional id
    .int16(acks)
    .int32(5000); // timeout
  body.array([topic], (name) => {
    body.string(name);
    body.array([partition], (index) => body.int32(index).bytes(records));
  });
  return body.toBuffer();
}
