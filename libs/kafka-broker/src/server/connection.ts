import type { Socket } from 'node:net';
import { apiName, ApiKey, SUPPORTED_VERSIONS } from '../protocol/api-keys';
import { ErrorCode } from '../protocol/error-codes';
import { ProtocolDecodeError, ProtocolReader } from '../protocol/reader';
import { ProtocolWriter } from '../protocol/writer';
import type { ApiHandler, KafkaRequest, KafkaResponse } from './request';

export interface ConnectionOptions {
  /** A frame claiming more than this is refused and the connection closed. */
  maxRequestBytes: number;
  /** Connections idle this long are closed, like Kafka's connections.max.idle.ms. */
  idleTimeoutMs: number;
  handlerFor(apiKey: number): ApiHandler | undefined;
  /** Called for every request whose header could be read, answered or not. */
  onRequest(clientId: string | null, apiKey: number): void;
  log(line: string): void;
}

// Requests on one connection are answered strictly in order, one at a time, as Apache Kafka
// does: librdkafka relies on it, and it bounds the work a single client can queue. While a
// request waits (a long-polling Fetch, a JoinGroup held for a rebalance) further frames are
// buffered up to a limit, then the socket stops being read.
export class KafkaConnection {
  private readonly chunks: Buffer[] = [];
  private bufferedBytes = 0;
  private busy = false;
  private closed = false;
  readonly address: string;

  constructor(
    private readonly socket: Socket,
    private readonly options: ConnectionOptions,
  ) {
    this.address = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
    socket.setTimeout(options.idleTimeoutMs, () => this.close('idle timeout'));
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('drain', () => this.processFrames());
    socket.on('error', () => this.close());
    socket.on('close', () => (this.closed = true));
  }

  close(reason?: string): void {
    if (this.closed) return;
    this.closed = true;
    if (reason) this.options.log(`closing connection from ${this.address}: ${reason}`);
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bufferedBytes += chunk.length;
    this.processFrames();
  }

  private processFrames(): void {
    while (!this.busy && !this.closed && !this.socket.writableNeedDrain) {
      const frame = this.nextFrame();
      if (!frame) break;
      this.handleFrame(frame);
    }
    // Back-pressure: stop reading while unanswered bytes pile up behind a waiting request.
    if (this.bufferedBytes > this.options.maxRequestBytes || this.socket.writableNeedDrain)
      this.socket.pause();
    else if (!this.closed) this.socket.resume();
  }

  private nextFrame(): Buffer | undefined {
    if (this.bufferedBytes < 4) return undefined;
    if (this.chunks[0].length < 4) this.coalesce();
    const size = this.chunks[0].readInt32BE(0);
    if (size < 8 || size > this.options.maxRequestBytes) {
      this.close(`frame size ${size} is outside 8..${this.options.maxRequestBytes} bytes`);
      return undefined;
    }
    if (this.bufferedBytes < size + 4) return undefined;
    if (this.chunks[0].length < size + 4) this.coalesce();
    const head = this.chunks[0];
    const frame = head.subarray(4, size + 4);
    if (head.length === size + 4) this.chunks.shift();
    else this.chunks[0] = head.subarray(size + 4);
    this.bufferedBytes -= size + 4;
    return frame;
  }

  private coalesce(): void {
    const whole = Buffer.concat(this.chunks, this.bufferedBytes);
    this.chunks.length = 0;
    this.chunks.push(whole);
  }

  private handleFrame(frame: Buffer): void {
    const reader = new ProtocolReader(frame);
    let request: KafkaRequest;
    try {
      const apiKey = reader.int16();
      const apiVersion = reader.int16();
      const correlationId = reader.int32();
      if (apiKey === ApiKey.ApiVersions && apiVersion > SUPPORTED_VERSIONS.get(apiKey)!.max) {
        // librdkafka opens with a flexible ApiVersions v3; the protocol's answer is a v0 body
        // carrying UNSUPPORTED_VERSION and our ranges, after which it retries with v0.
        this.send(apiVersionsDowngrade(correlationId));
        return;
      }
      request = {
        apiKey,
        apiVersion,
        correlationId,
        clientId: reader.nullableString(),
        body: reader,
        clientAddress: this.address,
      };
    } catch (error) {
      this.close(`malformed request header: ${(error as Error).message}`);
      return;
    }
    this.options.onRequest(request.clientId, request.apiKey);
    const handler = this.options.handlerFor(request.apiKey);
    const range = SUPPORTED_VERSIONS.get(request.apiKey);
    if (!handler || !range) {
      this.close(`unsupported API key ${request.apiKey} (client ${request.clientId})`);
      return;
    }
    if (request.apiVersion < range.min || request.apiVersion > range.max) {
      this.close(
        `${apiName(request.apiKey)} v${request.apiVersion} is not supported (${range.min}-${range.max}); client ${request.clientId}`,
      );
      return;
    }
    let outcome: KafkaResponse | Promise<KafkaResponse>;
    try {
      outcome = handler(request);
    } catch (error) {
      this.failRequest(request, error);
      return;
    }
    if (outcome instanceof Promise) {
      this.busy = true;
      outcome.then(
        (response) => {
          this.busy = false;
          if (response) this.send(response);
          this.processFrames();
        },
        (error) => {
          this.busy = false;
          this.failRequest(request, error);
        },
      );
    } else if (outcome) {
      this.send(outcome);
    }
  }

  private failRequest(request: KafkaRequest, error: unknown): void {
    const what = `${apiName(request.apiKey)} v${request.apiVersion} from client ${request.clientId}`;
    if (error instanceof ProtocolDecodeError) this.close(`malformed ${what}: ${error.message}`);
    else this.close(`failed to handle ${what}: ${(error as Error)?.stack ?? String(error)}`);
  }

  private send(response: ProtocolWriter): void {
    if (this.closed) return;
    response.patchInt32(0, response.length - 4);
    this.socket.write(response.toBuffer());
  }
}

function apiVersionsDowngrade(correlationId: number): ProtocolWriter {
  const writer = new ProtocolWriter().int32(0).int32(correlationId).int16(ErrorCode.UNSUPPORTED_VERSION);
  writer.array([...SUPPORTED_VERSIONS], ([apiKey, range]) =>
    writer.int16(apiKey).int16(range.min).int16(range.max),
  );
  return writer;
}
