import { startTelemetry } from '@switchboard/telemetry';
import { loadAnalyticsConfig } from './config';

// Loaded first by main.ts so that instrumentation patches http and pg before they are required.
startTelemetry({ serviceName: 'analytics', otlpEndpoint: loadAnalyticsConfig().OTEL_EXPORTER_OTLP_ENDPOINT });
