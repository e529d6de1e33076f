import { startTelemetry } from '@switchboard/telemetry';
import { loadSenderEmailConfig } from './config';

// Loaded first by main.ts so that instrumentation patches http and pg before they are required.
startTelemetry({
  serviceName: 'sender-email',
  otlpEndpoint: loadSenderEmailConfig().OTEL_EXPORTER_OTLP_ENDPOINT,
});
