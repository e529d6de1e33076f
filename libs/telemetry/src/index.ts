export { Metrics } from './metrics';
export {
  describeError,
  isSensitiveKey,
  LOG_LINE_LIMIT,
  LOG_STRING_LIMIT,
  loggableError,
  redact,
  redactText,
  REDACTED,
  serializeError,
  type SerializedError,
} from './redact';
export { REDACTED_QUERY_VALUE, redactUrlSecrets } from './redact-url';
export {
  shutdownTelemetry,
  startTelemetry,
  type RunningTelemetry,
  type TelemetryOptions,
} from './start-telemetry';
export {
  StructuredLogger,
  type LogFields,
  type LogLevelName,
  type LogSink,
  type StructuredLoggerOptions,
} from './structured-logger';
export {
  currentSpanContext,
  currentTraceId,
  getTracer,
  inSpan,
  messagingAttributes,
  recordException,
  recordFailure,
  type FailureStatus,
  type SpanOptions,
} from './tracing';
export { SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
export { hostedServiceName, runAsHostedService } from './hosted-service';
