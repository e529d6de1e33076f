import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { RedactingSpanExporter, redactSpan } from './redacting-span-exporter';

const TOKEN = 'eyJ0ZW5hbnQiOiJhY21lIn0.c2lnbmF0dXJl';

function spanWith(attributes: Attributes, name = 'GET'): ReadableSpan {
  const spanContext = {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: 1,
  };
  return {
    name,
    kind: SpanKind.SERVER,
    spanContext: () => spanContext,
    startTime: [1, 0],
    endTime: [2, 0],
    status: { code: SpanStatusCode.UNSET },
    attributes,
    links: [],
    events: [
      {
        name: 'exception',
        time: [1, 5],
        attributes: { 'exception.message': `GET /s?token=${TOKEN} failed` },
      },
    ],
    duration: [1, 0],
    ended: true,
    resource: {} as ReadableSpan['resource'],
    instrumentationScope: { name: '@opentelemetry/instrumentation-http' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

describe('redactSpan', () => {
  it('redacts the token in every attribute that holds the URL, in the name and in events', () => {
    const span = spanWith(
      {
        'http.target': `/v1/inbox/stream?access_token=${TOKEN}`,
        'http.url': `http://127.0.0.1:3104/v1/inbox/stream?access_token=${TOKEN}`,
        'url.full': `http://127.0.0.1:3104/v1/inbox/stream?access_token=${TOKEN}`,
        'url.query': `access_token=${TOKEN}`,
        'http.status_code': 200,
        'custom.urls': [`/a?access_token=${TOKEN}`, '/b'],
      },
      `GET /v1/inbox/stream?access_token=${TOKEN}`,
    );

    const redacted = redactSpan(span);

    expect(JSON.stringify({ ...redacted, spanContext: redacted.spanContext() })).not.toContain(TOKEN);
    expect(redacted.attributes).toEqual({
      'http.target': '/v1/inbox/stream?access_token=REDACTED',
      'http.url': 'http://127.0.0.1:3104/v1/inbox/stream?access_token=REDACTED',
      'url.full': 'http://127.0.0.1:3104/v1/inbox/stream?access_token=REDACTED',
      'url.query': 'access_token=REDACTED',
      'http.status_code': 200,
      'custom.urls': ['/a?access_token=REDACTED', '/b'],
    });
    expect(redacted.name).toBe('GET /v1/inbox/stream?access_token=REDACTED');
    expect(redacted.events[0].attributes).toEqual({ 'exception.message': 'GET /s?token=REDACTED failed' });
    expect(redacted.spanContext()).toEqual(span.spanContext());
    expect(span.attributes['url.query']).toBe(`access_token=${TOKEN}`);
  });

  it('hands a span without secrets on as it is', () => {
    const span = { ...spanWith({ 'http.target': '/v1/inbox?limit=10' }), events: [] };

    expect(redactSpan(span)).toBe(span);
  });
});

describe('RedactingSpanExporter', () => {
  it('exports the redacted spans and passes the result back', () => {
    const exported: ReadableSpan[][] = [];
    const inner: SpanExporter = {
      export: (spans, done) => {
        exported.push(spans);
        done({ code: ExportResultCode.SUCCESS });
      },
      shutdown: () => Promise.resolve(),
    };
    const results: ExportResult[] = [];

    new RedactingSpanExporter(inner).export([spanWith({ 'url.query': `access_token=${TOKEN}` })], (result) =>
      results.push(result),
    );

    expect(exported[0][0].attributes['url.query']).toBe('access_token=REDACTED');
    expect(results).toEqual([{ code: ExportResultCode.SUCCESS }]);
  });
});
