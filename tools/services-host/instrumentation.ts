import { startTelemetry } from '@switchboard/telemetry';

// Loaded first by main.ts, as each service's own instrumentation.ts is, so that http and pg are
// instrumented before anything requires them. No collector: spans are not exported (the launcher
// runs one process per service when OTEL_EXPORTER_OTLP_ENDPOINT is set, so that each trace names
// its services), but their trace ids still reach logs and Kafka headers.
startTelemetry({ serviceName: 'switchboard' });
