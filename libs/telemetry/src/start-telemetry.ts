import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import Module, { createRequire } from 'node:module';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  NoopSpanProcessor,
  ParentBasedSampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { RedactingSpanExporter } from './redacting-span-exporter';

export interface TelemetryOptions {
  /** The resource's service.name, as in logs. */
  serviceName: string;
  /** OTLP/HTTP base URL such as http://127.0.0.1:4318; spans are POSTed as JSON to <endpoint>/v1/traces. */
  otlpEndpoint?: string;
  /** Readers for the global meter provider; without any, metrics are no-ops. */
  metricReaders?: IMetricReader[];
}

export interface RunningTelemetry {
  /** Exports the spans still buffered, then unregisters everything; safe to call more than once. */
  shutdown(): Promise<void>;
}

// Health probes every few seconds would drown the traces that matter.
const UNTRACED_PATH_PREFIXES = ['/health'];

let started = false;
let running: RunningTelemetry | undefined;

/**
 * Registers OpenTelemetry for this process: W3C trace-context propagation, HTTP and pg
 * instrumentation, and export to an OTLP/HTTP collector when an endpoint is given, with secret
 * query parameters of URLs (access_token, ...) redacted in every span. Without an
 * endpoint spans are not recorded, but their trace ids still reach logs and Kafka headers.
 *
 * Instrumentation works by patching modules as they are loaded: call this before anything
 * requires http, pg or @nestjs/*, i.e. from a file that main.ts imports first.
 */
export function startTelemetry(options: TelemetryOptions): RunningTelemetry {
  if (started) {
    throw new Error('telemetry is already started in this process; shut it down before starting it again');
  }
  // Taken before the instrumentations are made: making the first one installs the hook.
  const requireWithoutHook = Module.prototype.require;
  const instrumentations = [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) =>
        UNTRACED_PATH_PREFIXES.some((prefix) => request.url?.startsWith(prefix) ?? false),
    }),
    // Queries outside any span are pollers and pool housekeeping; statement parameters are not
    // recorded (enhancedDatabaseReporting stays off) because they carry personal data.
    new PgInstrumentation({ requireParentSpan: true }),
  ];
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    textMapPropagator: new W3CTraceContextPropagator(),
    sampler: samplerFor(options.otlpEndpoint),
    spanProcessors: [spanProcessorFor(options.otlpEndpoint)],
    // Explicit empty lists: otherwise the SDK would export metrics and logs to localhost:4318 by default.
    metricReaders: options.metricReaders ?? [],
    logRecordProcessors: [],
    instrumentations,
  });
  sdk.start();
  patchInstrumentedModulesNow();
  // The instrumentations patch through a hook on require() that stays for the life of the process
  // and resolves every later require() call again, and kafkajs requires its protocol encoders for
  // each request: that hook cost up to 0.5 ms of CPU per message per service. The modules it is
  // there for are patched above, in place, so the hook is taken off.
  Module.prototype.require = requireWithoutHook;
  started = true;

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    try {
      await sdk.shutdown();
    } finally {
      for (const instrumentation of instrumentations) instrumentation.disable();
      trace.disable();
      context.disable();
      propagation.disable();
      metrics.disable();
      started = false;
    }
  };
  running = { shutdown: () => (stopping ??= stop()) };
  return running;
}

// What HttpInstrumentation and PgInstrumentation patch; each is patched on its first require().
const INSTRUMENTED_MODULES = ['node:http', 'node:https', 'pg', 'pg-pool'];

function patchInstrumentedModulesNow(): void {
  const load = createRequire(__filename);
  for (const name of INSTRUMENTED_MODULES) {
    try {
      load(name);
    } catch {
      // A service without PostgreSQL has no pg to trace.
    }
  }
}

/** Flushes buffered spans and stops telemetry, if this process started it; for shutdown paths. */
export async function shutdownTelemetry(): Promise<void> {
  const current = running;
  running = undefined;
  await current?.shutdown();
}

/**
 * Without a collector nothing is recorded: spans are non-recording but still carry trace and span
 * ids, so logs and Kafka headers keep them, and a service pays next to nothing for tracing it cannot
 * export (recording every span cost 5-10% of a service's CPU in bench:pipeline).
 */
function samplerFor(otlpEndpoint: string | undefined) {
  if (!otlpEndpoint) return new AlwaysOffSampler();
  return new ParentBasedSampler({ root: new AlwaysOnSampler() });
}

function spanProcessorFor(otlpEndpoint: string | undefined): SpanProcessor {
  // A processor is needed either way: without one the SDK registers no tracer provider at all.
  if (!otlpEndpoint) return new NoopSpanProcessor();
  // Redacted at export: a URL's secret query parameters (the inbox stream's access_token) never leave.
  return new BatchSpanProcessor(
    new RedactingSpanExporter(new OTLPTraceExporter({ url: tracesUrl(otlpEndpoint) })),
  );
}

export function tracesUrl(otlpEndpoint: string): string {
  return `${otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
}
