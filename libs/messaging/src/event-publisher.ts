import { withDeadline } from '@switchboard/faults';
import { context, propagation, SpanKind, trace, type Span } from '@opentelemetry/api';
import {
  DEAD_LETTER_TOPIC,
  HeaderName,
  parseOrThrow,
  type PersonalData,
  type TopicName,
  type TopicPayloads,
} from '@switchboard/contracts';
import { CODEC_IDS, type CodecName } from '@switchboard/kafka-codecs';
import { messagingAttributes, recordFailure } from '@switchboard/telemetry';
import {
  Partitioners,
  type CompressionTypes,
  type IHeaders,
  type Kafka,
  type Message,
  type Producer,
} from 'kafkajs';
import { contractOf } from './contract-of';
import { eventHeaders, type PublishOptions } from './event-headers';
import type { EventSink } from './event-sink';
import { MessagingError } from './messaging-error';
import type { PayloadCipher } from './payload-cipher';
import { traceCauseOf } from './trace-causes';
import { tracer } from './tracing';

/** A record to park on the dead-letter topic: original key and value, headers saying why. */
export interface DeadLetter {
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

type PublisherState = 'disconnected' | 'connected' | 'disconnecting';

interface QueuedSend {
  topic: string;
  messages: Message[];
  /** Bytes of the messages' keys, values and headers. */
  bytes: number;
  resolve(): void;
  reject(error: unknown): void;
}

// Sends that queued up behind the one in flight go out together, up to about this many records.
const MAX_RECORDS_PER_REQUEST = 1000;
// kafkajs retries a connection that fails for several seconds, with growing pauses, and every publish
// queued meanwhile waits for it: a new producer that cannot connect at once (the broker is still
// down) fails its send instead, and the next send tries with another, so sending resumes as soon as
// the broker is back.
const FRESH_PRODUCER_CONNECT_MS = 2000;
// Kafka refuses a record batch over message.max.bytes (1 MiB by default), and kafkajs puts all of a
// request's records for one partition into one batch. A request is kept under this many bytes of
// keys, values and headers, so none of its batches can reach the limit, whatever partitions its
// records go to; a send bigger than that goes out in several requests, in order.
const MAX_BYTES_PER_REQUEST = 768 * 1024;

/**
 * Publishes contract-checked events with an idempotent producer: a payload is validated
 * against its topic's schema, keyed by the contract, and carries the standard headers and
 * the caller's trace context.
 */
export class EventPublisher implements EventSink {
  private producer: Producer;
  /**
   * A send failed after kafkajs may have delivered it: the producer's sequence numbers can no
   * longer be trusted (see `sendBatch`), and the next send goes through a new producer.
   */
  private producerSequencesSuspect = false;
  private connecting: Promise<void> | undefined;
  private state: PublisherState = 'disconnected';
  private readonly sending = new Set<Promise<unknown>>();
  private readonly queued: QueuedSend[] = [];
  private requestInFlight = false;
  private sendScheduled = false;
  private readonly compression: CompressionTypes;
  /** Seals the personal fields this publisher writes; consumers sharing it open them with it. */
  readonly cipher: PayloadCipher | undefined;

  /**
   * `compression`: the codec every request's batches are compressed with (default none).
   * `cipher`: seals the personal fields of the topics whose contract names some; without it they
   * are written as they are (tests and tools only: every service has one).
   */
  constructor(
    private readonly kafka: Kafka,
    options: { compression?: CodecName; cipher?: PayloadCipher } = {},
  ) {
    // kafkajs numbers its CompressionTypes as Kafka does.
    this.compression = CODEC_IDS[options.compression ?? 'none'] as CompressionTypes;
    this.cipher = options.cipher;
    this.producer = this.createProducer();
  }

  private createProducer(): Producer {
    // kafkajs requires one request in flight for idempotence; the Java-compatible
    // partitioner puts a key on the same partition as any other Kafka client would.
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /** Safe to call more than once; concurrent callers share one connection attempt. */
  connect(): Promise<void> {
    this.connecting ??= this.producer.connect().then(
      () => {
        this.state = 'connected';
      },
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  /** Refuses new publishes, lets the ones under way finish, then closes the producer. */
  async disconnect(): Promise<void> {
    if (this.state !== 'connected') return;
    this.state = 'disconnecting';
    await Promise.allSettled([...this.sending]);
    await this.producer.disconnect();
    this.connecting = undefined;
    this.state = 'disconnected';
  }

  isConnected(): boolean {
    return this.state === 'connected';
  }

  async publish<T extends TopicName>(
    topic: T,
    payload: TopicPayloads[T],
    options: PublishOptions = {},
  ): Promise<void> {
    await this.publishMany(topic, [payload], options);
  }

  /**
   * Validates every payload first (one bad payload sends none), seals their personal fields, then
   * sends them in one request.
   */
  async publishMany<T extends TopicName>(
    topic: T,
    payloads: readonly TopicPayloads[T][],
    options: PublishOptions = {},
  ): Promise<void> {
    const contract = contractOf(topic);
    const name = String(topic);
    const values = payloads.map((payload, index) => {
      const subject = payloads.length === 1 ? `${name} payload` : `${name} payload [${index}]`;
      return parseOrThrow(contract.schema, payload, subject);
    });
    if (values.length === 0) return;
    const written =
      contract.personalData && this.cipher
        ? await this.cipher.seal(contract.personalData as PersonalData<unknown>, values)
        : values;
    // Key and headers come from the payload as validated: neither holds a personal value.
    const messages = values.map((value, index) => ({
      key: contract.key(value),
      value: JSON.stringify(written[index]),
      headers: eventHeaders(contract, value, options),
    }));
    await tracer.startActiveSpan(
      `publish ${name}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          ...messagingAttributes('send', name),
          'messaging.batch.message_count': messages.length,
        },
      },
      async (span) => {
        // An event about a message a batch handler consumed continues that message's own trace.
        const messageSpans: Span[] = [];
        for (const message of messages) {
          const cause = traceCauseOf(message.headers[HeaderName.messageId]);
          if (cause) {
            const messageSpan = tracer.startSpan(
              `publish ${name}`,
              {
                kind: SpanKind.PRODUCER,
                links: [{ context: span.spanContext() }],
                attributes: messagingAttributes('send', name),
              },
              cause,
            );
            messageSpans.push(messageSpan);
            propagation.inject(trace.setSpan(cause, messageSpan), message.headers);
          } else {
            propagation.inject(context.active(), message.headers);
          }
        }
        try {
          await this.send(name, messages);
        } catch (error) {
          recordFailure(span, error);
          for (const messageSpan of messageSpans) recordFailure(messageSpan, error);
          throw error;
        } finally {
          span.end();
          for (const messageSpan of messageSpans) messageSpan.end();
        }
      },
    );
  }

  /** Parks records on DEAD_LETTER_TOPIC in one request, keeping their original trace headers. */
  async publishDeadLetters(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await tracer.startActiveSpan(
      `publish ${DEAD_LETTER_TOPIC}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          ...messagingAttributes('send', DEAD_LETTER_TOPIC),
          'messaging.batch.message_count': letters.length,
        },
      },
      async (span) => {
        try {
          await this.send(DEAD_LETTER_TOPIC, [...letters]);
        } catch (error) {
          recordFailure(span, error);
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  /**
   * Hands the records to the producer. The producer has one request in flight (idempotence), so
   * sends made while it waits for an acknowledgement are queued and then go out in one request:
   * under load the requests grow instead of the queue; each caller hears how its request went.
   */
  private async send(topic: string, messages: Message[]): Promise<void> {
    if (this.state !== 'connected') {
      throw new MessagingError(
        'NOT_CONNECTED',
        `cannot publish to ${topic}: the publisher is ${this.state} (call connect() first)`,
      );
    }
    const sent = Promise.all(
      requestSizedChunks(messages).map(
        (chunk) =>
          new Promise<void>((resolve, reject) => {
            this.queued.push({ topic, ...chunk, resolve, reject });
          }),
      ),
    );
    this.sending.add(sent);
    // Once this turn's promise work is done, not after the current task alone: publishes started
    // together (Promise.all) share a request even when one first sealed its personal fields, which
    // takes a few promise hops. A hop's events and their delivery events then cost one round trip.
    if (!this.sendScheduled) {
      this.sendScheduled = true;
      setImmediate(() => {
        this.sendScheduled = false;
        this.sendQueued();
      });
    }
    try {
      await sent;
    } finally {
      this.sending.delete(sent);
    }
  }

  /**
   * kafkajs numbers each partition's batches for the broker to recognise a retry, and when a send
   * fails it takes the numbers back, even when the broker had stored the batch and only the answer
   * was lost. The next batch then carries the numbers of the stored one: the broker takes it for a
   * retry and drops it while answering success (a message lost), or refuses everything after it as
   * out of order. After a failed send, a new producer (a new producer id, numbering from zero)
   * sends the next batch, as Kafka's Java client does when its sequence numbers may be off.
   */
  private async sendBatch(topicMessages: Array<{ topic: string; messages: Message[] }>): Promise<void> {
    if (this.producerSequencesSuspect) {
      const fresh = this.createProducer();
      try {
        await withDeadline(fresh.connect(), FRESH_PRODUCER_CONNECT_MS, 'the broker');
      } catch (error) {
        void fresh.disconnect().catch(() => undefined);
        throw error;
      }
      const suspect = this.producer;
      this.producer = fresh;
      this.producerSequencesSuspect = false;
      void suspect.disconnect().catch(() => undefined);
    }
    try {
      await this.producer.sendBatch({ acks: -1, compression: this.compression, topicMessages });
    } catch (error) {
      this.producerSequencesSuspect = true;
      throw error;
    }
  }

  private sendQueued(): void {
    if (this.requestInFlight || this.queued.length === 0) return;
    const batch: QueuedSend[] = [];
    let records = 0;
    let bytes = 0;
    while (
      this.queued.length > 0 &&
      (batch.length === 0 ||
        (records + this.queued[0].messages.length <= MAX_RECORDS_PER_REQUEST &&
          bytes + this.queued[0].bytes <= MAX_BYTES_PER_REQUEST))
    ) {
      const next = this.queued.shift() as QueuedSend;
      batch.push(next);
      records += next.messages.length;
      bytes += next.bytes;
    }
    // Per topic in queue order, so that the records of one key keep the order they were sent in.
    const byTopic = new Map<string, Message[]>();
    for (const { topic, messages } of batch) {
      const topicMessages = byTopic.get(topic);
      if (topicMessages) topicMessages.push(...messages);
      else byTopic.set(topic, [...messages]);
    }
    this.requestInFlight = true;
    this.sendBatch([...byTopic].map(([topic, messages]) => ({ topic, messages })))
      .then(
        () => batch.forEach((queued) => queued.resolve()),
        (error: unknown) => batch.forEach((queued) => queued.reject(error)),
      )
      .finally(() => {
        this.requestInFlight = false;
        this.sendQueued();
      });
  }
}

/** `messages` cut, in order, into runs that each fit in one request. */
function requestSizedChunks(messages: Message[]): Array<{ messages: Message[]; bytes: number }> {
  const chunks: Array<{ messages: Message[]; bytes: number }> = [];
  let current: { messages: Message[]; bytes: number } = { messages: [], bytes: 0 };
  for (const message of messages) {
    const bytes = messageBytes(message);
    const full =
      current.messages.length === MAX_RECORDS_PER_REQUEST || current.bytes + bytes > MAX_BYTES_PER_REQUEST;
    if (current.messages.length > 0 && full) {
      chunks.push(current);
      current = { messages: [], bytes: 0 };
    }
    current.messages.push(message);
    current.bytes += bytes;
  }
  chunks.push(current);
  return chunks;
}

function messageBytes(message: Message): number {
  let bytes = byteLength(message.key) + byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    bytes += Buffer.byteLength(name);
    for (const part of Array.isArray(value) ? value : [value]) bytes += byteLength(part);
  }
  return bytes;
}

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
