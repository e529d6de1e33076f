import { connect, type Socket } from 'node:net';

export interface BackendMessage {
  type: string;
  body: Buffer;
}

/**
 * A wire-protocol client that sends exactly the messages a test names, so a test can leave the
 * backend inside an extended-query sequence (Parse sent, Sync not yet) the way a Bind split over
 * several TCP reads does.
 */
export class RawPostgresConnection {
  private received = Buffer.alloc(0);
  private readonly messages: BackendMessage[] = [];
  private waiter: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (data) => {
      this.received = Buffer.concat([this.received, data]);
      while (this.received.length >= 5) {
        const length = this.received.readInt32BE(1);
        if (this.received.length < 1 + length) break;
        this.messages.push({
          type: String.fromCharCode(this.received[0]),
          body: this.received.subarray(5, 1 + length),
        });
        this.received = this.received.subarray(1 + length);
      }
      this.waiter?.resolve();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.reject(new Error('the server closed the connection'));
    });
  }

  static async open(port: number, host = '127.0.0.1'): Promise<RawPostgresConnection> {
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const connection = new RawPostgresConnection(socket);
    const parameters = Buffer.from('user\0postgres\0database\0postgres\0\0');
    const startup = Buffer.alloc(8);
    startup.writeInt32BE(8 + parameters.length, 0);
    startup.writeInt32BE(196_608, 4);
    socket.write(Buffer.concat([startup, parameters]));
    await connection.readUntil('Z');
    return connection;
  }

  parse(sql: string): this {
    return this.send('P', Buffer.concat([cString(''), cString(sql), int16(0)]));
  }

  bind(textParameters: string[]): this {
    const values = textParameters.map((value) => {
      const bytes = Buffer.from(value);
      return Buffer.concat([int32(bytes.length), bytes]);
    });
    return this.send(
      'B',
      Buffer.concat([cString(''), cString(''), int16(0), int16(values.length), ...values, int16(0)]),
    );
  }

  execute(): this {
    return this.send('E', Buffer.concat([cString(''), int32(0)]));
  }

  flush(): this {
    return this.send('H', Buffer.alloc(0));
  }

  sync(): this {
    return this.send('S', Buffer.alloc(0));
  }

  /** Resolves with every message up to and including the first of the given type. */
  async readUntil(type: string): Promise<BackendMessage[]> {
    for (;;) {
      const index = this.messages.findIndex((message) => message.type === type);
      if (index !== -1) return this.messages.splice(0, index + 1);
      if (this.closed) throw new Error(`the server closed the connection before a '${type}' message`);
      await new Promise<void>((resolve, reject) => {
        this.waiter = { resolve, reject };
      });
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  private send(type: string, body: Buffer): this {
    const header = Buffer.alloc(5);
    header.write(type, 0, 'latin1');
    header.writeInt32BE(4 + body.length, 1);
    this.socket.write(Buffer.concat([header, body]));
    return this;
  }
}

/** The text columns of a DataRow message. */
export function dataRowValues(message: BackendMessage): Array<string | null> {
  const values: Array<string | null> = [];
  let offset = 2;
  for (let column = 0; column < message.body.readInt16BE(0); column++) {
    const length = message.body.readInt32BE(offset);
    offset += 4;
    values.push(length === -1 ? null : message.body.toString('utf8', offset, offset + length));
    offset += Math.max(length, 0);
  }
  return values;
}

function cString(value: string): Buffer {
  return Buffer.from(`${value}\0`);
}

function int16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeInt16BE(value);
  return buffer;
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}
