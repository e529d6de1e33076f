import { startTelemetry } from '@switchboard/telemetry';
import { loadTemplateConfig } from './config';

// Loaded first by main.ts so that instrumentation patches http and pg before they are required.
startTelemetry({ serviceName: 'template', otlpEndpoint: loadTemplateConfig().OTEL_EXPORTER_OTLP_ENDPOINT });
