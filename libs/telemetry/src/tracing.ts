import {
  isSpanContextValid,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type SpanContext,
  type SpanKind,
  type Tracer,
} from '@opentelemetry/api';
import { loggableError, redactText } from './redact';

const TRACER_NAME = 'switchboard';

/**
 * The tracer for Switchboard's own spans; a no-op until telemetry is started. A lib whose spans
 * dashboards and tests select by their instrumentation scope (`@switchboard/messaging`) names it.
 */
export function getTracer(instrumentationScope: string = TRACER_NAME): Tracer {
  return trace.getTracer(instrumentationScope);
}

/** OpenTelemetry's messaging attributes of a span that publishes to or processes a Kafka topic. */
export function messagingAttributes(operation: 'send' | 'process', topic: string): Record<string, string> {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.type': operation,
    'messaging.operation.name': operation === 'send' ? 'publish' : 'process',
    'messaging.destination.name': topic,
  };
}

export function currentSpanContext(): SpanContext | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext : undefined;
}

export function currentTraceId(): string | undefined {
  return currentSpanContext()?.traceId;
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
}

/**
 * Runs `work` inside a new active span (a child of the current one). A failure is recorded on the
 * span as an exception with ERROR status, with personal data masked, and rethrown.
 */
export async function inSpan<T>(
  name: string,
  options: SpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return getTracer().startActiveSpan(
    name,
    { kind: options.kind, attributes: options.attributes },
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        recordFailure(span, error, 'message');
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * What a failed span's status says: the error as a log line shows it (`TypeError: boom`, as the
 * messaging lib's publish and process spans do) or its message alone (`boom`, as `inSpan`'s spans
 * do). Both are kept because dashboards read them as they are.
 */
export type FailureStatus = 'name-and-message' | 'message';

/** Records a failure on the span as an exception with ERROR status, with personal data masked. */
export function recordFailure(span: Span, error: unknown, status: FailureStatus = 'name-and-message'): void {
  recordException(span, error);
  const message =
    status === 'name-and-message'
      ? loggableError(error)
      : redactText(error instanceof Error ? error.message : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/** Records a failed try on the span as an exception, masked as in the logs, without failing the span. */
export function recordException(span: Span, error: unknown): void {
  span.recordException(
    error instanceof Error
      ? {
          name: error.name,
          message: redactText(error.message),
          stack: error.stack && redactText(error.stack),
        }
      : { name: 'Error', message: redactText(String(error)) },
  );
}
