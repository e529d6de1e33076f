import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { redactUrlSecrets } from './redact-url';

/**
 * Hands spans on with secret query parameters redacted in their name and in every string
 * attribute, of the span and of its events. It sits at export, so that whatever instrumentation
 * wrote a URL (http.target, http.url, url.full, url.query, or one added later), none leaves the
 * process with a token in it.
 */
export class RedactingSpanExporter implements SpanExporter {
  constructor(private readonly exporter: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.exporter.export(spans.map(redactSpan), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush?.() ?? Promise.resolve();
  }
}

export function redactSpan(span: ReadableSpan): ReadableSpan {
  const name = redactUrlSecrets(span.name);
  const attributes = redactAttributes(span.attributes);
  let eventsChanged = false;
  const events = span.events.map((event): TimedEvent => {
    const eventAttributes = event.attributes && redactAttributes(event.attributes);
    if (eventAttributes === event.attributes) return event;
    eventsChanged = true;
    return { ...event, attributes: eventAttributes };
  });
  if (name === span.name && attributes === span.attributes && !eventsChanged) return span;
  return {
    name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes,
    links: span.links,
    events: eventsChanged ? events : span.events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/** The same object when nothing needed redacting, so that a span without secrets is not copied. */
function redactAttributes(attributes: Attributes): Attributes {
  let redacted: Attributes | undefined;
  for (const [key, value] of Object.entries(attributes)) {
    const safe = redactValue(value);
    if (safe === value) continue;
    redacted ??= { ...attributes };
    redacted[key] = safe;
  }
  return redacted ?? attributes;
}

function redactValue(value: AttributeValue | undefined): AttributeValue | undefined {
  if (typeof value === 'string') return redactUrlSecrets(value);
  if (!Array.isArray(value) || !value.some((item) => typeof item === 'string')) return value;
  const items = (value as Array<string | null | undefined>).map((item) =>
    typeof item === 'string' ? redactUrlSecrets(item) : item,
  );
  return items.every((item, index) => item === value[index]) ? value : (items as AttributeValue);
}
