import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { currentTraceId, getTracer, inSpan, recordException, recordFailure } from './tracing';

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

  it('records a failure as the error is logged, `Name: message` masked, on a span of a named scope', () => {
    const span = getTracer('@switchboard/messaging').startSpan('publish sb.email.requested.v1');

    recordFailure(span, new TypeError('broker refused grace@example.org'));
    span.end();

    const [finished] = exporter.getFinishedSpans();
    expect(finished.instrumentationScope.name).toBe('@switchboard/messaging');
    expect(finished.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'TypeError: broker refused g***@example.org',
    });
    expect(finished.events[0].attributes).toMatchObject({
      'exception.type': 'TypeError',
      'exception.message': 'broker refused g***@example.org',
    });
    expect(String(finished.events[0].attributes?.['exception.stacktrace'])).not.toContain('grace@');
  });

  it('records a failed try as a masked exception without failing the span', () => {
    const span = getTracer().startSpan('process sb.sms.requested.v1');

    recordException(span, 'SMS to +4915112345678 timed out');
    span.end();

    const [finished] = exporter.getFinishedSpans();
    expect(finished.status.code).toBe(SpanStatusCode.UNSET);
    expect(finished.events[0].attributes).toMatchObject({
      'exception.type': 'Error',
      'exception.message': 'SMS to +***********78 timed out',
    });
  });
});
