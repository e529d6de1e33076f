import { startTelemetry } from '@switchboard/telemetry';
import { loadSenderSmsConfig } from './config';

// Loaded first by main.ts so that instrumentation patches http and pg before they are required.
startTelemetry({
  serviceName: 'sender-sms',
  otlpEndpoint: loadSenderSmsConfig().OTEL_EXPORTER_OTLP_ENDPOINT,
});
