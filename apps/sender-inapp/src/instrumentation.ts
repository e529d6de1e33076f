import { startTelemetry } from '@switchboard/telemetry';
import { loadSenderInappConfig } from './config';

// Loaded first by main.ts so that instrumentation patches http and pg before they are required.
startTelemetry({
  serviceName: 'sender-inapp',
  otlpEndpoint: loadSenderInappConfig().OTEL_EXPORTER_OTLP_ENDPOINT,
});
