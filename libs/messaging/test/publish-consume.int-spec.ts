import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  ContractValidationError,
  DeliveryEventTopic,
  HeaderName,
  MessageRequestedTopic,
  UpstreamEvent,
} from '@switchboard/contracts';
import { EventPublisher, inTraceOfMessage, type ConsumedEvent } from '../src';
import { waitFor } from '@switchboard/testing';
import {
  deliveryEvent,
  messageRequested,
  startMessagingHarness,
  type MessagingHarness,
} from './support/messaging-harness';

const topic = DeliveryEventTopic.topic;

describe('publishing and consuming typed events', () => {
  const spans = new InMemorySpanExporter();
  const tracing = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  let harness: MessagingHarness;

  beforeAll(() => tracing.register());
  afterAll(() => tracing.shutdown());
  beforeEach(async () => {
    spans.reset();
    harness = await startMessagingHarness();
  });
  afterEach(() => harness.close());

  it('delivers every one of many publishes made at once, in the order they were made for one key', async () => {
    await harness.provision([
      { topic, partitions: 1 },
      { topic: MessageRequestedTopic.topic, partitions: 1 },
    ]);
    const { messageId } = deliveryEvent();
    const events = Array.from({ length: 60 }, (_, step) => deliveryEvent({ messageId, detail: { step } }));
    // Publishes made while a request is in flight share the next one; two topics in the mix.
    await Promise.all([
      ...events.map((event) => harness.publisher.publish(topic, event)),
      harness.publisher.publish(MessageRequestedTopic.topic, messageRequested()),
    ]);
    const records = await harness.readRecords(topic, events.length);
    expect(records.map((record) => JSON.parse(record.value ?? '{}').detail.step)).toEqual(
      events.map((_, step) => step),
    );
    expect(await harness.readRecords(MessageRequestedTopic.topic, 1)).toHaveLength(1);
  });

  it('delivers the payload with its key, contract headers and the publisher’s trace', async () => {
    const received: ConsumedEvent<unknown>[] = [];
    const activeSpanIds: Array<string | undefined> = [];
    const runner = harness.runner('round-trip').on(topic, async (event) => {
      received.push(event);
      activeSpanIds.push(trace.getActiveSpan()?.spanContext().spanId);
      return { outcome: 'done' };
    });
    await runner.start();
    expect(runner.isHealthy()).toBe(true);

    const sent = deliveryEvent({ reason: 'first send' });
    const traceId = await trace.getTracer('test').startActiveSpan('POST /v1/messages', async (request) => {
      await harness.publisher.publish(topic, sent);
      request.end();
      return request.spanContext().traceId;
    });

    await waitFor('the event to be handled', () => received.length === 1);
    const [event] = received;
    expect(event.payload).toEqual(sent);
    expect(event.key).toBe(`acme:${sent.messageId}`);
    expect(event.attempt).toBe(1);
    expect(event.headers).toMatchObject({
      [HeaderName.schemaName]: 'DeliveryEvent',
      [HeaderName.schemaVersion]: '1',
      [HeaderName.tenant]: 'acme',
      [HeaderName.messageId]: sent.messageId,
      [HeaderName.attempt]: '1',
    });
    expect(event.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    const publishSpan = await waitFor('the publish span', () =>
      spans.getFinishedSpans().find((span) => span.name === `publish ${topic}`),
    );
    const processSpan = await waitFor('the process span', () =>
      spans.getFinishedSpans().find((span) => span.name === `process ${topic}`),
    );
    expect(publishSpan.kind).toBe(SpanKind.PRODUCER);
    expect(publishSpan.spanContext().traceId).toBe(traceId);
    expect(processSpan.kind).toBe(SpanKind.CONSUMER);
    expect(processSpan.spanContext().traceId).toBe(traceId);
    expect(processSpan.parentSpanContext?.spanId).toBe(publishSpan.spanContext().spanId);
    expect(activeSpanIds).toEqual([processSpan.spanContext().spanId]);

    await runner.stop();
    expect(runner.isHealthy()).toBe(false);
    expect(await harness.committedOffset('round-trip', topic)).toBe(1);
  });

  it('keeps one trace per message through a batch handler that re-publishes with publishMany', async () => {
    const requestedTopic = MessageRequestedTopic.topic;
    const downstream: ConsumedEvent<unknown>[] = [];
    const providerCallTraces = new Map<string, string>();
    const batchRunner = harness.runner('batch-relay').onBatch(requestedTopic, async (events) => {
      // What a sender does for each message alone, such as its provider call.
      for (const event of events) {
        inTraceOfMessage(event.payload.messageId, () => {
          const span = trace.getTracer('test').startSpan('provider call');
          providerCallTraces.set(event.payload.messageId, span.spanContext().traceId);
          span.end();
        });
      }
      // What ingest does: one write, then one publishMany for the whole batch.
      await harness.publisher.publishMany(
        topic,
        events.map((event) =>
          deliveryEvent({ messageId: event.payload.messageId, type: 'accepted', source: 'ingest' }),
        ),
      );
    });
    const downstreamRunner = harness.runner('batch-downstream').on(topic, async (event) => {
      downstream.push(event);
      return { outcome: 'done' };
    });
    await Promise.all([batchRunner.start(), downstreamRunner.start()]);

    const tracer = trace.getTracer('test');
    const requests = [messageRequested(), messageRequested()];
    const traceIdByMessage = new Map<string, string>();
    for (const request of requests) {
      await tracer.startActiveSpan('POST /v1/messages', async (span) => {
        traceIdByMessage.set(request.messageId, span.spanContext().traceId);
        await harness.publisher.publish(requestedTopic, request);
        span.end();
      });
    }

    await waitFor('both relayed events downstream', () => downstream.length === 2);
    for (const event of downstream) {
      const messageId = (event.payload as { messageId: string }).messageId;
      expect(event.headers.traceparent).toMatch(new RegExp(`^00-${traceIdByMessage.get(messageId)}-`));
      expect(providerCallTraces.get(messageId)).toBe(traceIdByMessage.get(messageId));
    }
    await Promise.all([batchRunner.stop(), downstreamRunner.stop()]);
  });

  it('sends every payload of publishMany in one request and refuses them all if one is invalid', async () => {
    const events = [deliveryEvent(), deliveryEvent(), deliveryEvent()];
    await harness.publisher.publishMany(topic, events);
    expect(await harness.endOffset(topic)).toBe(3);
    const publishSpans = spans.getFinishedSpans().filter((span) => span.name === `publish ${topic}`);
    expect(publishSpans).toHaveLength(1);
    expect(publishSpans[0].attributes['messaging.batch.message_count']).toBe(3);

    const invalid = { ...deliveryEvent(), occurredAt: 'yesterday' };
    const attempt = harness.publisher.publishMany(topic, [deliveryEvent(), invalid]);
    await expect(attempt).rejects.toThrow(ContractValidationError);
    await expect(attempt).rejects.toThrow(`invalid ${topic} payload [1]: occurredAt:`);
    expect(await harness.endOffset(topic)).toBe(3);
  });

  it('refuses an invalid payload before sending anything', async () => {
    await harness.publisher.publish(topic, deliveryEvent());
    const invalid = { ...deliveryEvent(), tenantId: 'not a tenant!' };
    const attempt = harness.publisher.publish(topic, invalid);
    await expect(attempt).rejects.toBeInstanceOf(ContractValidationError);
    await expect(attempt).rejects.toMatchObject({
      problems: [{ field: 'tenantId', problem: 'must be letters, digits, _ or -' }],
    });
    expect(await harness.endOffset(topic)).toBe(1);
  });

  it('consumes an upstream topic outside the contracts with the schema it is given', async () => {
    const received: ConsumedEvent<UpstreamEvent>[] = [];
    await harness
      .runner('ingest')
      .onExternal('shop.orders', UpstreamEvent, async (event) => {
        received.push(event);
        return { outcome: 'skipped', reason: 'no trigger matches order.shipped' };
      })
      .start();
    await harness.produceRaw('shop.orders', [
      {
        key: 'order-17',
        value: JSON.stringify({
          type: 'order.shipped',
          tenant: 'acme',
          recipient: { email: 'ada@example.com' },
        }),
      },
    ]);
    await waitFor('the upstream event', () => received.length === 1);
    expect(received[0].payload).toEqual({
      type: 'order.shipped',
      tenant: 'acme',
      recipient: { email: 'ada@example.com' },
      data: {},
    });
    expect(received[0].key).toBe('order-17');
  });

  it('holds an event until its not-before time', async () => {
    const handledAt: number[] = [];
    await harness
      .runner('delayed')
      .on(topic, async () => {
        handledAt.push(Date.now());
        return { outcome: 'done' };
      })
      .start();
    const notBefore = Date.now() + 700;
    await harness.publisher.publish(topic, deliveryEvent(), {
      attempt: 2,
      headers: { [HeaderName.notBefore]: new Date(notBefore).toISOString() },
    });
    await waitFor('the delayed event', () => handledAt.length === 1);
    expect(handledAt[0]).toBeGreaterThanOrEqual(notBefore);
  });

  it('refuses to publish before connect() and names the topic', async () => {
    const unconnected = new EventPublisher(harness.kafka);
    await expect(unconnected.publish(topic, deliveryEvent())).rejects.toThrow(
      `cannot publish to ${topic}: the publisher is disconnected (call connect() first)`,
    );
  });
});
