import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen, readBody } from '@switchboard/sandboxes';
import { decodeOtlpTraceJson, type CollectedSpan } from './otlp-json';

export interface TraceCollector {
  /** OTLP/HTTP base URL: exporters post to `<endpoint>/v1/traces`. */
  endpoint: string;
  /** Every span received so far, in arrival order. */
  spans(): CollectedSpan[];
  clear(): void;
  stop(): Promise<void>;
}

const BODY_LIMIT_BYTES = 32 * 1024 * 1024;

/**
 * An in-process OTLP/HTTP receiver for traces in JSON (what @opentelemetry/exporter-trace-otlp-http
 * sends), gzipped or not. Protobuf is refused with 415. Metrics and logs posted to the same
 * endpoint are acknowledged and dropped, so a service exporting them does not log errors.
 * `GET /spans` lists what was collected and `DELETE /spans` empties it, for other processes.
 */
export async function startTraceCollector(options: { port?: number } = {}): Promise<TraceCollector> {
  const collected: CollectedSpan[] = [];
  const server = createServer((request, response) => {
    handle(request, response, collected).catch((error: Error) => {
      if (!response.headersSent) answer(response, 500, { error: error.message });
    });
  });
  const port = await listen(server, options.port ?? 0, '127.0.0.1');
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans: () => [...collected],
    clear: () => void collected.splice(0),
    stop: () => closeServer(server),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  collected: CollectedSpan[],
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method === 'POST' && path === '/v1/traces') {
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.startsWith('application/json')) {
      await readBody(request, BODY_LIMIT_BYTES);
      answer(response, 415, {
        error: `this collector accepts OTLP/HTTP JSON only (content-type application/json), got "${contentType}"`,
      });
      return;
    }
    let spans: CollectedSpan[];
    try {
      spans = decodeOtlpTraceJson(JSON.parse((await readBody(request, BODY_LIMIT_BYTES)).toString('utf8')));
    } catch (error) {
      answer(response, 400, { error: `invalid OTLP trace export: ${(error as Error).message}` });
      return;
    }
    collected.push(...spans);
    answer(response, 200, {});
    return;
  }
  if (request.method === 'POST' && (path === '/v1/metrics' || path === '/v1/logs')) {
    await readBody(request, BODY_LIMIT_BYTES);
    answer(response, 200, {});
    return;
  }
  if (path === '/spans' && request.method === 'GET') {
    answer(response, 200, collected);
    return;
  }
  if (path === '/spans' && request.method === 'DELETE') {
    collected.splice(0);
    answer(response, 200, {});
    return;
  }
  answer(response, 404, { error: `no route for ${request.method} ${path}` });
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
