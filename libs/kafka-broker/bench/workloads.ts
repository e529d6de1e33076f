// The three client workloads, written as an application would use kafkajs.
import { randomBytes } from 'node:crypto';
import type { CompressionTypes, Kafka, Message, Producer } from 'kafkajs';

export interface Throughput {
  messages: number;
  /** Bytes of message values. */
  valueBytes: number;
  seconds: number;
}

export interface ProduceWorkload {
  topic: string;
  messages: number;
  messagesPerSend: number;
  messageBytes: number;
  /** producer.send() calls awaiting their acknowledgement at any time, all on one producer. */
  concurrentSends: number;
  /** Default none, with random values; compressed runs send event-like text that compresses. */
  compression?: CompressionTypes;
}

/** One producer, acks all: a fixed number of sends kept in flight until the total is sent. */
export async function produceAsFastAsPossible(kafka: Kafka, workload: ProduceWorkload): Promise<Throughput> {
  const value = workload.compression ? eventLikeValue : randomBytes;
  const values = Array.from({ length: workload.messagesPerSend }, () => value(workload.messageBytes));
  const sends = Math.ceil(workload.messages / workload.messagesPerSend);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    let nextSend = 0;
    let sentMessages = 0;
    const keepSending = async () => {
      while (nextSend < sends) {
        const count = Math.min(
          workload.messagesPerSend,
          workload.messages - nextSend * workload.messagesPerSend,
        );
        nextSend++;
        await producer.send({
          topic: workload.topic,
          acks: -1,
          messages: values.slice(0, count).map(asMessage),
          compression: workload.compression,
        });
        sentMessages += count;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: workload.concurrentSends }, keepSending));
    const seconds = (performance.now() - started) / 1000;
    return { messages: sentMessages, valueBytes: sentMessages * workload.messageBytes, seconds };
  } finally {
    await producer.disconnect();
  }
}

export interface ConsumeWorkload {
  topic: string;
  groupId: string;
  /** Messages in the topic; the run ends when this many have been handed to eachBatch. */
  messages: number;
  consumerConfig: ConsumerTuning;
  timeoutMs: number;
}

export interface ConsumerTuning {
  maxBytesPerPartition: number;
  maxBytes: number;
  minBytes: number;
  maxWaitTimeInMs: number;
}

export interface ConsumeResult extends Throughput {
  /** From run() to the group's first assignment: not part of the throughput. */
  joinSeconds: number;
}

/** One group member reading the topic from the beginning with eachBatch, offsets resolved and auto-committed. */
export async function consumeFromBeginning(kafka: Kafka, workload: ConsumeWorkload): Promise<ConsumeResult> {
  const consumer = kafka.consumer({ groupId: workload.groupId, ...workload.consumerConfig });
  let runStartedAt = 0;
  let joinedAt: number | undefined;
  let firstFetchAt: number | undefined;
  let lastMessageAt = 0;
  let messages = 0;
  let valueBytes = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => (joinedAt ??= performance.now()));
  consumer.on(consumer.events.FETCH_START, () => (firstFetchAt ??= performance.now()));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: workload.topic, fromBeginning: true });
    const allConsumed = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
      const timer = setTimeout(
        () =>
          reject(
            new Error(`consumed ${messages} of ${workload.messages} messages in ${workload.timeoutMs} ms`),
          ),
        workload.timeoutMs,
      );
      runStartedAt = performance.now();
      consumer
        .run({
          eachBatchAutoResolve: true,
          autoCommit: true,
          eachBatch: async ({ batch }) => {
            messages += batch.messages.length;
            for (const message of batch.messages) valueBytes += message.value?.length ?? 0;
            if (messages >= workload.messages) {
              lastMessageAt = performance.now();
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    await allConsumed;
  } finally {
    await consumer.disconnect();
  }
  if (firstFetchAt === undefined) throw new Error('messages arrived without a fetch being reported');
  return {
    messages,
    valueBytes,
    seconds: (lastMessageAt - firstFetchAt) / 1000,
    joinSeconds: ((joinedAt ?? firstFetchAt) - runStartedAt) / 1000,
  };
}

export interface LatencyWorkload {
  topic: string;
  messagesPerSecond: number;
  messageBytes: number;
  /** Sent but not measured, so that connections and JIT are warm. */
  warmUpSeconds: number;
  seconds: number;
}

export interface LatencyResult {
  /** Milliseconds from producer.send() to its acknowledgement, one per measured send. */
  latenciesMs: number[];
  /** How late the bench itself started each measured send, in ms: its own timer jitter. */
  startDelaysMs: number[];
}

/**
 * One message per send, acks all, on a fixed schedule computed from the start time, so that a
 * slow answer neither delays later sends nor lets the schedule drift (an open-loop load).
 */
export async function produceAtSteadyRate(kafka: Kafka, workload: LatencyWorkload): Promise<LatencyResult> {
  const value = randomBytes(workload.messageBytes);
  const intervalMs = 1000 / workload.messagesPerSecond;
  const warmUpSends = Math.round(workload.warmUpSeconds * workload.messagesPerSecond);
  const totalSends = warmUpSends + Math.round(workload.seconds * workload.messagesPerSecond);
  const latenciesMs: number[] = [];
  const startDelaysMs: number[] = [];
  const pending = new Set<Promise<void>>();
  let failure: unknown;

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const startedAt = performance.now();
    const sendOne = (index: number) => {
      const calledAt = performance.now();
      const sent: Promise<void> = send(producer, workload.topic, value).then(
        () => {
          if (index < warmUpSends) return;
          latenciesMs.push(performance.now() - calledAt);
          startDelaysMs.push(calledAt - (startedAt + index * intervalMs));
        },
        (error) => void (failure ??= error),
      );
      pending.add(sent);
      void sent.finally(() => pending.delete(sent));
    };
    await new Promise<void>((resolve) => {
      let nextIndex = 0;
      const tick = () => {
        const elapsedMs = performance.now() - startedAt;
        const due = Math.min(totalSends, Math.floor(elapsedMs / intervalMs) + 1);
        while (nextIndex < due) sendOne(nextIndex++);
        if (nextIndex >= totalSends || failure) return resolve();
        setTimeout(tick, Math.max(0, startedAt + nextIndex * intervalMs - performance.now()));
      };
      tick();
    });
    await Promise.all(pending);
    if (failure) throw failure;
    return { latenciesMs, startDelaysMs };
  } finally {
    await producer.disconnect();
  }
}

async function send(producer: Producer, topic: string, value: Buffer): Promise<void> {
  await producer.send({ topic, acks: -1, messages: [{ value }] });
}

function asMessage(value: Buffer): Message {
  return { value };
}

const WORDS = [
  'order',
  'shipped',
  'recipient',
  'tenant',
  'template',
  'channel',
  'email',
  'delivery',
  'status',
];

/** A JSON event of about `bytes` bytes: ids vary, field names and words repeat, as real events do. */
function eventLikeValue(bytes: number): Buffer {
  const id = randomBytes(8).toString('hex');
  let text = `{"messageId":"${id}","tenant":"acme","recipient":{"email":"user-${id.slice(0, 6)}@example.com"},"data":{`;
  for (let field = 0; text.length < bytes - 40; field++) {
    const word = WORDS[randomBytes(1)[0] % WORDS.length];
    text += `"${word}${field}":"${word}-${randomBytes(2).toString('hex')}",`;
  }
  return Buffer.from(`${text}"end":true}}`.padEnd(bytes, ' ').slice(0, bytes));
}
