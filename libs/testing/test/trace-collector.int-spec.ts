import { gzipSync } from 'node:zlib';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OtlpSpanKind, startTraceCollector, waitFor, type TraceCollector } from '../src';

describe('startTraceCollector', () => {
  let collector: TraceCollector;

  beforeAll(async () => {
    collector = await startTraceCollector();
  });
  afterAll(() => collector.stop());
  beforeEach(() => collector.clear());

  it('collects the spans of a real OTLP/HTTP exporter with their parents, kinds and attributes', async () => {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'collector-test' }),
      spanProcessors: [
        new BatchSpanProcessor(new OTLPTraceExporter({ url: `${collector.endpoint}/v1/traces` })),
      ],
    });
    const tracer = provider.getTracer('collector-test-scope');
    const request = tracer.startSpan('POST /v1/messages', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.route': '/v1/messages',
        'http.status_code': 202,
        ratio: 0.5,
        cached: false,
        tags: ['a', 'b'],
      },
    });
    request.addEvent('validated', { fields: 3 });
    const publish = tracer.startSpan(
      'sb.messages.accepted.v1 publish',
      { kind: SpanKind.PRODUCER },
      trace.setSpan(ROOT_CONTEXT, request),
    );
    const send = tracer.startSpan(
      'ses SendEmail',
      { kind: SpanKind.CLIENT },
      trace.setSpan(ROOT_CONTEXT, publish),
    );
    send.setStatus({ code: SpanStatusCode.ERROR, message: 'throttled' });
    send.end();
    publish.end();
    request.end();

    await provider.forceFlush();
    const spans = await waitFor('three spans', () =>
      collector.spans().length === 3 ? collector.spans() : undefined,
    );
    await provider.shutdown();

    const byName = Object.fromEntries(spans.map((span) => [span.name, span]));
    const [root, middle, leaf] = [request, publish, send].map((span) => span.spanContext());
    expect(byName['POST /v1/messages']).toMatchObject({
      traceId: root.traceId,
      spanId: root.spanId,
      kind: OtlpSpanKind.server,
      serviceName: 'collector-test',
      scopeName: 'collector-test-scope',
      attributes: {
        'http.route': '/v1/messages',
        'http.status_code': 202,
        ratio: 0.5,
        cached: false,
        tags: ['a', 'b'],
      },
      events: [expect.objectContaining({ name: 'validated', attributes: { fields: 3 } })],
    });
    expect(byName['POST /v1/messages'].parentSpanId).toBeUndefined();
    expect(byName['sb.messages.accepted.v1 publish']).toMatchObject({
      traceId: root.traceId,
      spanId: middle.spanId,
      parentSpanId: root.spanId,
      kind: OtlpSpanKind.producer,
    });
    expect(byName['ses SendEmail']).toMatchObject({
      traceId: root.traceId,
      spanId: leaf.spanId,
      parentSpanId: middle.spanId,
      kind: OtlpSpanKind.client,
      status: { code: 2, message: 'throttled' },
    });
    expect(BigInt(byName['ses SendEmail'].endTimeUnixNano)).toBeGreaterThanOrEqual(
      BigInt(byName['ses SendEmail'].startTimeUnixNano),
    );
  });

  it('accepts a gzipped export whose ids are base64, and lists the spans as hex for other processes', async () => {
    const traceId = '5b8efff798038103d269b633813fc60c';
    const spanId = 'eee19b7ec3c1b174';
    const response = await fetch(`${collector.endpoint}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(
        JSON.stringify({
          resourceSpans: [
            {
              resource: { attributes: [{ key: 'service.name', value: { stringValue: 'router' } }] },
              scopeSpans: [
                {
                  scope: { name: 'manual' },
                  spans: [
                    {
                      traceId: Buffer.from(traceId, 'hex').toString('base64'),
                      spanId: Buffer.from(spanId, 'hex').toString('base64'),
                      name: 'route message',
                      kind: 'SPAN_KIND_CONSUMER',
                      startTimeUnixNano: '1700000000000000000',
                      endTimeUnixNano: '1700000000100000000',
                      attributes: [{ key: 'attempt', value: { intValue: '2' } }],
                    },
                  ],
                },
              ],
            },
          ],
        }),
      ),
    });
    expect(response.status).toBe(200);

    const listed = await (await fetch(`${collector.endpoint}/spans`)).json();

    expect(listed).toEqual([
      expect.objectContaining({
        traceId,
        spanId,
        name: 'route message',
        kind: OtlpSpanKind.consumer,
        serviceName: 'router',
        attributes: { attempt: 2 },
      }),
    ]);
  });

  it('refuses protobuf and malformed exports, acknowledges metrics, and empties on DELETE /spans', async () => {
    const post = (path: string, contentType: string, body: string | Buffer) =>
      fetch(`${collector.endpoint}${path}`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });

    const protobuf = await post('/v1/traces', 'application/x-protobuf', Buffer.from([0x0a, 0x00]));
    const malformed = await post(
      '/v1/traces',
      'application/json',
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"x"}]}]}]}',
    );
    const metrics = await post('/v1/metrics', 'application/json', '{"resourceMetrics":[]}');

    expect([protobuf.status, malformed.status, metrics.status]).toEqual([415, 400, 200]);
    expect(await protobuf.json()).toEqual({ error: expect.stringContaining('accepts OTLP/HTTP JSON only') });
    expect(await malformed.json()).toEqual({
      error: 'invalid OTLP trace export: every span needs a traceId',
    });

    await post(
      '/v1/traces',
      'application/json',
      JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'kept' },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(collector.spans().map((span) => span.name)).toEqual(['kept']);

    expect((await fetch(`${collector.endpoint}/spans`, { method: 'DELETE' })).status).toBe(200);
    expect(collector.spans()).toEqual([]);
  });
});
