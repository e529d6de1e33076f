import { startTelemetry } from '@switchboard/telemetry';
import { loadGatewayConfig } from './config';

// Loaded first by main.ts so that instrumentation patches http and pg before they are required.
startTelemetry({ serviceName: 'gateway', otlpEndpoint: loadGatewayConfig().OTEL_EXPORTER_OTLP_ENDPOINT });
