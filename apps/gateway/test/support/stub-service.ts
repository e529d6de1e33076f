import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface StubAnswer {
  status: number;
  body?: unknown;
  contentType?: string;
}

export interface StubService {
  url: string;
  requests: RecordedRequest[];
  /** The Authorization header of each request, in the order of `requests`. */
  authorizations: Array<string | undefined>;
  /** Decides each answer; replace it per test. */
  answer: (request: RecordedRequest) => StubAnswer;
  close(): Promise<void>;
}

/** A plain node:http stand-in for an internal service (template, analytics), recording calls. */
export async function startStubService(
  answer: (request: RecordedRequest) => StubAnswer = () => ({ status: 404 }),
): Promise<StubService> {
  let closing: Promise<void> | undefined;
  const stub: StubService = {
    url: '',
    requests: [],
    authorizations: [],
    answer,
    close: () => (closing ??= closeServer(server)),
  };
  const server: Server = createServer((request, response) => void handle(stub, request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  stub.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return stub;
}

async function handle(stub: StubService, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const recorded = {
    method: request.method ?? 'GET',
    path: request.url ?? '/',
    body: text ? JSON.parse(text) : undefined,
  };
  stub.requests.push(recorded);
  stub.authorizations.push(request.headers.authorization);
  const answer = stub.answer(recorded);
  const contentType =
    answer.contentType ?? (answer.status >= 400 ? 'application/problem+json' : 'application/json');
  response.writeHead(answer.status, { 'content-type': contentType });
  response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
