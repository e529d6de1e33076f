import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { loggableError, redactPersonalData } from './messaging-log';

// Only the API: the service's telemetry bootstrap decides whether spans are recorded and exported.
export const tracer = trace.getTracer('@switchboard/messaging');

export function messagingAttributes(operation: 'send' | 'process', topic: string): Record<string, string> {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.type': operation,
    'messaging.operation.name': operation === 'send' ? 'publish' : 'process',
    'messaging.destination.name': topic,
  };
}

/** Records a failed try on the span, with addresses and numbers masked as in the logs. */
export function recordException(span: Span, error: unknown): void {
  const exception = error instanceof Error ? error : new Error(String(error));
  span.recordException({
    name: exception.name,
    message: redactPersonalData(exception.message),
    stack: exception.stack === undefined ? undefined : redactPersonalData(exception.stack),
  });
}

export function recordFailure(span: Span, error: unknown): void {
  recordException(span, error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: loggableError(error) });
}
