import { startTelemetry } from '@switchboard/telemetry';
import { loadIngestConfig } from './config';

// Loaded first by main.ts so that instrumentation patches http and pg before they are required.
startTelemetry({ serviceName: 'ingest', otlpEndpoint: loadIngestConfig().OTEL_EXPORTER_OTLP_ENDPOINT });
