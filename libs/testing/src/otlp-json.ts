// Decodes an OTLP/HTTP JSON trace export (ExportTraceServiceRequest) into flat spans.
// The OpenTelemetry JS exporter writes ids as hex, as the OTLP JSON mapping says; some
// encoders write the protobuf bytes as base64 instead, so both are accepted.

export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP numbering: 1 internal, 2 server, 3 client, 4 producer, 5 consumer (the API's SpanKind + 1). */
  kind: number;
  serviceName: string;
  scopeName: string;
  attributes: Record<string, unknown>;
  resourceAttributes: Record<string, unknown>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
  events: { name: string; timeUnixNano: string; attributes: Record<string, unknown> }[];
  startTimeUnixNano: string;
  endTimeUnixNano: string;
}

export const OtlpSpanKind = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

const SPAN_KIND_NAMES: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

const STATUS_CODE_NAMES: Record<string, number> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

interface KeyValue {
  key: string;
  value?: AnyValue;
}

interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  bytesValue?: string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
}

interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number | string;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: KeyValue[];
  status?: { code?: number | string; message?: string };
  events?: { name?: string; timeUnixNano?: string | number; attributes?: KeyValue[] }[];
}

interface ExportTraceServiceRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[];
    instrumentationLibrarySpans?: { instrumentationLibrary?: { name?: string }; spans?: OtlpSpan[] }[];
  }[];
}

export function decodeOtlpTraceJson(json: unknown): CollectedSpan[] {
  if (
    typeof json !== 'object' ||
    json === null ||
    !Array.isArray((json as ExportTraceServiceRequest).resourceSpans)
  ) {
    throw new Error('an OTLP trace export must be an object with a resourceSpans array');
  }
  const spans: CollectedSpan[] = [];
  for (const resourceSpans of (json as ExportTraceServiceRequest).resourceSpans ?? []) {
    const resourceAttributes = toRecord(resourceSpans.resource?.attributes);
    const serviceName = String(resourceAttributes['service.name'] ?? 'unknown_service');
    const scopes = [
      ...(resourceSpans.scopeSpans ?? []).map((scope) => ({ name: scope.scope?.name, spans: scope.spans })),
      ...(resourceSpans.instrumentationLibrarySpans ?? []).map((library) => ({
        name: library.instrumentationLibrary?.name,
        spans: library.spans,
      })),
    ];
    for (const scope of scopes) {
      for (const span of scope.spans ?? []) {
        spans.push(toCollectedSpan(span, serviceName, scope.name ?? '', resourceAttributes));
      }
    }
  }
  return spans;
}

function toCollectedSpan(
  span: OtlpSpan,
  serviceName: string,
  scopeName: string,
  resourceAttributes: Record<string, unknown>,
): CollectedSpan {
  const parentSpanId = span.parentSpanId ? normaliseId(span.parentSpanId, 8, 'parentSpanId') : undefined;
  return {
    traceId: normaliseId(requireField(span.traceId, 'traceId'), 16, 'traceId'),
    spanId: normaliseId(requireField(span.spanId, 'spanId'), 8, 'spanId'),
    ...(parentSpanId ? { parentSpanId } : {}),
    name: span.name ?? '',
    kind: enumValue(span.kind, SPAN_KIND_NAMES),
    serviceName,
    scopeName,
    attributes: toRecord(span.attributes),
    resourceAttributes,
    status: {
      code: enumValue(span.status?.code, STATUS_CODE_NAMES),
      ...(span.status?.message ? { message: span.status.message } : {}),
    },
    events: (span.events ?? []).map((event) => ({
      name: event.name ?? '',
      timeUnixNano: String(event.timeUnixNano ?? '0'),
      attributes: toRecord(event.attributes),
    })),
    startTimeUnixNano: String(span.startTimeUnixNano ?? '0'),
    endTimeUnixNano: String(span.endTimeUnixNano ?? '0'),
  };
}

/** Lower-case hex, whether the id arrived as hex or as base64 of its bytes. */
export function normaliseId(id: string, byteLength: number, field: string): string {
  if (id.length === byteLength * 2 && /^[0-9a-fA-F]+$/.test(id)) return id.toLowerCase();
  const bytes = Buffer.from(id, 'base64');
  if (
    bytes.length !== byteLength ||
    bytes.toString('base64') !== id.padEnd(Math.ceil(id.length / 4) * 4, '=')
  ) {
    throw new Error(
      `${field} must be ${byteLength * 2} hex digits or base64 of ${byteLength} bytes, got "${id}"`,
    );
  }
  return bytes.toString('hex');
}

function requireField(value: string | undefined, field: string): string {
  if (!value) throw new Error(`every span needs a ${field}`);
  return value;
}

function enumValue(value: number | string | undefined, names: Record<string, number>): number {
  if (typeof value === 'number') return value;
  if (value === undefined) return 0;
  return names[value] ?? Number(value);
}

function toRecord(attributes: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, toPlainValue(value)]));
}

function toPlainValue(value: AnyValue | undefined): unknown {
  if (value === undefined) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.bytesValue !== undefined) return value.bytesValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(toPlainValue);
  if (value.kvlistValue !== undefined) return toRecord(value.kvlistValue.values);
  return undefined;
}
