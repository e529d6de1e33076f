import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { currentTraceId, inSpan, startTelemetry, type RunningTelemetry } from '../src';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver';

const OTLP_SPAN_KIND = { server: 2, client: 3 };
const OTLP_STATUS_ERROR = 2;

describe('startTelemetry', () => {
  let receiver: OtlpReceiver;
  let telemetry: RunningTelemetry | undefined;

  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });

  afterEach(async () => {
    await telemetry?.shutdown();
    telemetry = undefined;
    await receiver.close();
  });

  it('exports a parent and its child span as OTLP/HTTP JSON to <endpoint>/v1/traces when shut down', async () => {
    telemetry = startTelemetry({ serviceName: 'sender-email', otlpEndpoint: `${receiver.endpoint}/` });

    const seen = await inSpan('POST /messages', { kind: SpanKind.SERVER }, async (parent) =>
      inSpan('ses SendEmail', { kind: SpanKind.CLIENT }, async (child) => ({
        traceId: currentTraceId(),
        parentSpanId: parent.spanContext().spanId,
        childSpanId: child.spanContext().spanId,
      })),
    );
    await telemetry.shutdown();

    expect(receiver.exports.map(({ method, path, contentType }) => ({ method, path, contentType }))).toEqual([
      { method: 'POST', path: '/v1/traces', contentType: 'application/json' },
    ]);
    const spans = receiver.spans();
    expect(spans).toHaveLength(2);
    const parent = spans.find((span) => span.name === 'POST /messages');
    const child = spans.find((span) => span.name === 'ses SendEmail');
    expect(parent).toMatchObject({
      serviceName: 'sender-email',
      traceId: seen.traceId,
      spanId: seen.parentSpanId,
      kind: OTLP_SPAN_KIND.server,
    });
    expect(parent).not.toHaveProperty('parentSpanId');
    expect(child).toMatchObject({
      serviceName: 'sender-email',
      traceId: seen.traceId,
      spanId: seen.childSpanId,
      parentSpanId: seen.parentSpanId,
      kind: OTLP_SPAN_KIND.client,
    });
    expect(seen.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('exports a failed span with ERROR status and the exception, personal data masked', async () => {
    telemetry = startTelemetry({ serviceName: 'sender-email', otlpEndpoint: receiver.endpoint });

    await expect(
      inSpan('ses SendEmail', { kind: SpanKind.CLIENT }, async () => {
        throw new Error('MessageRejected: jane@example.com is not verified');
      }),
    ).rejects.toThrow('MessageRejected');
    await telemetry.shutdown();

    const [span] = receiver.spans();
    expect(span.status).toEqual({
      code: OTLP_STATUS_ERROR,
      message: 'MessageRejected: j***@example.com is not verified',
    });
    expect(span.events).toEqual([
      {
        name: 'exception',
        attributes: expect.objectContaining({
          'exception.message': 'MessageRejected: j***@example.com is not verified',
        }),
      },
    ]);
    expect(JSON.stringify(receiver.exports)).not.toContain('jane@');
  });

  it('without an endpoint, records nothing but still carries trace ids in W3C traceparent headers (not sampled)', async () => {
    telemetry = startTelemetry({ serviceName: 'router' });

    const { traceId, headers } = await inSpan('route message', {}, async (span) => {
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      return { traceId: currentTraceId(), headers: carrier, spanId: span.spanContext().spanId };
    });

    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
    await telemetry.shutdown();
    expect(receiver.exports).toEqual([]);
  });

  it('refuses to start twice, and starts again after shutdown', async () => {
    const first = startTelemetry({ serviceName: 'router' });

    expect(() => startTelemetry({ serviceName: 'router' })).toThrow(
      'telemetry is already started in this process',
    );
    await first.shutdown();
    expect(trace.getActiveSpan()).toBeUndefined();

    telemetry = startTelemetry({ serviceName: 'router', otlpEndpoint: receiver.endpoint });
    await inSpan('after restart', {}, async () => undefined);
    await telemetry.shutdown();
    expect(receiver.spans().map(({ name, serviceName }) => ({ name, serviceName }))).toEqual([
      { name: 'after restart', serviceName: 'router' },
    ]);
  });
});
