import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ReceivedExport {
  method: string;
  path: string;
  contentType: string;
  body: unknown;
}

export interface ReceivedSpan {
  serviceName: string;
  scopeName: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP numbering: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  status: { code?: number; message?: string };
  events: { name: string; attributes: Record<string, unknown> }[];
}

export interface OtlpReceiver {
  /** Base URL to give the exporter, e.g. http://127.0.0.1:43117 */
  endpoint: string;
  exports: ReceivedExport[];
  spans(): ReceivedSpan[];
  close(): Promise<void>;
}

interface OtlpKeyValue {
  key: string;
  value: Record<string, unknown>;
}

interface OtlpTraceRequest {
  resourceSpans: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans: {
      scope?: { name?: string };
      spans: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        status?: { code?: number; message?: string };
        events?: { name: string; attributes?: OtlpKeyValue[] }[];
      }[];
    }[];
  }[];
}

/** A stand-in for an OpenTelemetry collector's OTLP/HTTP receiver that accepts JSON only. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const exports: ReceivedExport[] = [];
  const server = createServer(async (request, response) => {
    const contentType = request.headers['content-type'] ?? '';
    const body = await readBody(request);
    if (!contentType.startsWith('application/json')) {
      exports.push({
        method: request.method ?? '',
        path: request.url ?? '',
        contentType,
        body: body.toString('base64'),
      });
      response.writeHead(415).end();
      return;
    }
    exports.push({
      method: request.method ?? '',
      path: request.url ?? '',
      contentType,
      body: JSON.parse(body.toString('utf8')),
    });
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    exports,
    spans: () => exports.flatMap((received) => spansOf(received.body as OtlpTraceRequest)),
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

function spansOf(request: OtlpTraceRequest): ReceivedSpan[] {
  return request.resourceSpans.flatMap((resourceSpans) => {
    const serviceName = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
    return resourceSpans.scopeSpans.flatMap((scopeSpans) =>
      scopeSpans.spans.map((span) => ({
        serviceName,
        scopeName: scopeSpans.scope?.name ?? '',
        traceId: span.traceId,
        spanId: span.spanId,
        ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
        name: span.name,
        kind: span.kind,
        status: span.status ?? {},
        events: (span.events ?? []).map((event) => ({
          name: event.name,
          attributes: attributesOf(event.attributes),
        })),
      })),
    );
  });
}

function attributesOf(attributes: OtlpKeyValue[] = []): Record<string, unknown> {
  return Object.fromEntries(attributes.map(({ key, value }) => [key, Object.values(value)[0]]));
}
