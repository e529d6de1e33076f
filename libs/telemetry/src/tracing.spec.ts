import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { currentTraceId, inSpan } from './tracing';

describe('inSpan', () => {
  const exporter = new InMemorySpanExporter();

  beforeAll(() => {
    new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
  });

  afterEach(() => exporter.reset());

  afterAll(() => {
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('runs the work in an active child span of the current one and ends both', async () => {
    const traceIds: (string | undefined)[] = [];

    const result = await inSpan('handle dispatch', { kind: SpanKind.CONSUMER }, async () => {
      traceIds.push(currentTraceId());
      return inSpan(
        'ses SendEmail',
        { kind: SpanKind.CLIENT, attributes: { 'messaging.message.id': 'm-1' } },
        async () => {
          traceIds.push(currentTraceId());
          return 'sent';
        },
      );
    });

    expect(result).toBe('sent');
    const [child, parent] = exporter.getFinishedSpans();
    expect(parent.name).toBe('handle dispatch');
    expect(parent.kind).toBe(SpanKind.CONSUMER);
    expect(child).toMatchObject({
      name: 'ses SendEmail',
      kind: SpanKind.CLIENT,
      attributes: { 'messaging.message.id': 'm-1' },
    });
    expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(traceIds).toEqual([parent.spanContext().traceId, parent.spanContext().traceId]);
    expect(currentTraceId()).toBeUndefined();
  });

  it('records a failure as an exception with ERROR status, masking personal data, and rethrows it', async () => {
    const failure = new Error('address jane@example.com is on the suppression list');

    await expect(
      inSpan('ses SendEmail', {}, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);

    const [span] = exporter.getFinishedSpans();
    expect(span.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'address j***@example.com is on the suppression list',
    });
    expect(span.events).toEqual([
      expect.objectContaining({
        name: 'exception',
        attributes: expect.objectContaining({
          'exception.type': 'Error',
          'exception.message': 'address j***@example.com is on the suppression list',
        }),
      }),
    ]);
  });
});
