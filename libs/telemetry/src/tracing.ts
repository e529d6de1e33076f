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
import { redactText } from './redact';

const TRACER_NAME = 'switchboard';

/** The tracer for Switchboard's own spans; a no-op until telemetry is started. */
export function getTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
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
        recordFailure(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

export function recordFailure(span: Span, error: unknown): void {
  const failure =
    error instanceof Error
      ? {
          name: error.name,
          message: redactText(error.message),
          stack: error.stack && redactText(error.stack),
        }
      : { name: 'Error', message: redactText(String(error)) };
  span.recordException(failure);
  span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
}
