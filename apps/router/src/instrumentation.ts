import { startTelemetry } from '@switchboard/telemetry';
import { loadRouterConfig } from './config';

// Loaded first by main.ts so that instrumentation patches http and pg before they are required.
startTelemetry({ serviceName: 'router', otlpEndpoint: loadRouterConfig().OTEL_EXPORTER_OTLP_ENDPOINT });
