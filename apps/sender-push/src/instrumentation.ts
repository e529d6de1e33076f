import { startTelemetry } from '@switchboard/telemetry';
import { loadSenderPushConfig } from './config';

// Loaded first by main.ts so that instrumentation patches http and pg before they are required.
startTelemetry({
  serviceName: 'sender-push',
  otlpEndpoint: loadSenderPushConfig().OTEL_EXPORTER_OTLP_ENDPOINT,
});
