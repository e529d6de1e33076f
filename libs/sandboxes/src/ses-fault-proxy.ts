import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { closeServer, listen, reachableHost, readBody } from './http-server';
import { FaultPlan, faultSettingsShape, type FaultSettings, type SandboxFaults } from './sandbox-faults';
import {
  escapeXml,
  parseJsonBody,
  requestSandbox,
  SandboxRequestError,
  sendJson,
  sendText,
  sleep,
} from './sandbox-http';

export interface EmailFaultSettings extends FaultSettings {
  /** Failing calls answer `MessageRejected` (a permanent refusal) instead of a 5xx. */
  reject?: boolean;
}

/** One SES send call that reached the proxy, answered or failed. */
export interface SesSendAttempt {
  /** ISO time with milliseconds, when the call arrived. */
  at: string;
  action: 'SendEmail' | 'SendRawEmail' | 'SendTemplatedEmail';
  source?: string;
  to: string[];
  subject?: string;
  outcome: 'sent' | 'failed';
  status: number;
  /** The SES error code of a failed call (`Throttling`, `MessageRejected`, `InternalFailure` ...). */
  errorCode?: string;
  messageId?: string;
}

/** Faults and attempts of an SES fault proxy, in this process or another. */
export interface SesFaultControl {
  faults: SandboxFaults<EmailFaultSettings>;
  attempts(): Promise<SesSendAttempt[]>;
  clearAttempts(): Promise<void>;
}

export interface SesFaultProxy extends SesFaultControl {
  /** Give this to the SES client as `endpoint`; the emulator's outbox and viewer are reachable through it too. */
  endpoint: string;
  stop(): Promise<void>;
}

const SES_XML_NAMESPACE = 'http://ses.amazonaws.com/doc/2010-12-01/';
const SEND_ACTIONS = new Set(['SendEmail', 'SendRawEmail', 'SendTemplatedEmail']);
const BODY_LIMIT_BYTES = 40 * 1024 * 1024;
const CONTROL_PATHS = new Set(['/faults', '/attempts']);

const emailFaultSchema = z.strictObject({ ...faultSettingsShape, reject: z.boolean().optional() });

interface SesError {
  status: number;
  code: string;
  message: string;
}

/**
 * An HTTP proxy in front of an SES endpoint (normally `startSesEmulator().endpoint`) that makes a
 * share of the SES V1 send calls fail in SES's own XML error format — 5xx, `Throttling` or
 * `MessageRejected` — so `@aws-sdk/client-ses` raises those errors, and logs every send call with
 * its outcome. Everything else (V2 calls, the outbox, the viewer) passes through untouched. Faults
 * and attempts are reachable from other processes (`connectToSesFaultProxy`). Off until told.
 */
export async function startSesFaultProxy(options: {
  target: string;
  port?: number;
  host?: string;
}): Promise<SesFaultProxy> {
  const target = new URL(options.target);
  if (target.protocol !== 'http:') {
    throw new Error(`the SES fault proxy forwards to an http: endpoint, got target ${options.target}`);
  }
  const host = options.host ?? '127.0.0.1';
  const attempts: SesSendAttempt[] = [];
  const faults = new FaultPlan<EmailFaultSettings>(emailFaultSchema, ['status', 'throttle', 'reject']);
  const server = createServer((request, response) => {
    handle(request, response, { target, attempts, faults }).catch((error: Error) => {
      if (!response.headersSent) sendJson(response, 502, { error: `SES fault proxy: ${error.message}` });
    });
  });
  let port: number;
  try {
    port = await listen(server, options.port ?? 0, host);
  } catch (error) {
    throw new Error(
      `the SES fault proxy could not listen on ${host}:${options.port ?? 0}: ${(error as Error).message}`,
    );
  }
  const endpoint = `http://${reachableHost(host)}:${port}`;
  return { endpoint, ...connectToSesFaultProxy(endpoint), stop: () => closeServer(server) };
}

export function connectToSesFaultProxy(endpoint: string): SesFaultControl {
  const call = (method: 'GET' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
    requestSandbox('SES fault proxy', endpoint, method, path, body);
  return {
    attempts: async () => ((await call('GET', '/attempts')) as { attempts: SesSendAttempt[] }).attempts,
    clearAttempts: async () => void (await call('DELETE', '/attempts')),
    faults: {
      set: async (settings) => void (await call('PUT', '/faults', settings)),
      clear: async () => void (await call('DELETE', '/faults')),
      get: async () => (await call('GET', '/faults')) as EmailFaultSettings,
    },
  };
}

interface ProxyState {
  target: URL;
  attempts: SesSendAttempt[];
  faults: FaultPlan<EmailFaultSettings>;
}

async function handle(request: IncomingMessage, response: ServerResponse, state: ProxyState): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  const body = await readBody(request, BODY_LIMIT_BYTES);
  if (CONTROL_PATHS.has(path)) {
    answerControl(`${request.method} ${path}`, body, response, state);
    return;
  }
  const form =
    request.method === 'POST' &&
    (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
      ? new URLSearchParams(body.toString('utf8'))
      : undefined;
  const action = form?.get('Action');
  if (!form || !action || !SEND_ACTIONS.has(action)) {
    await forward(request, body, response, state.target);
    return;
  }
  const attempt = describeSend(action as SesSendAttempt['action'], form);
  await sleep(state.faults.latencyMs());
  const failure = injectedFailure(attempt.to, state.faults);
  if (failure) {
    state.attempts.push({ ...attempt, outcome: 'failed', status: failure.status, errorCode: failure.code });
    sendError(response, failure);
    return;
  }
  const answer = await forward(request, body, response, state.target);
  const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(answer.body)?.[1];
  const errorCode = /<Code>([^<]+)<\/Code>/.exec(answer.body)?.[1];
  state.attempts.push({
    ...attempt,
    outcome: answer.status < 300 ? 'sent' : 'failed',
    status: answer.status,
    ...(messageId ? { messageId } : {}),
    ...(answer.status >= 300 && errorCode ? { errorCode } : {}),
  });
}

function answerControl(route: string, body: Buffer, response: ServerResponse, state: ProxyState): void {
  switch (route) {
    case 'GET /attempts':
      sendJson(response, 200, { attempts: state.attempts });
      return;
    case 'DELETE /attempts':
      state.attempts.splice(0);
      sendJson(response, 200, {});
      return;
    case 'GET /faults':
      sendJson(response, 200, state.faults.current());
      return;
    case 'PUT /faults':
      try {
        sendJson(response, 200, state.faults.set(parseJsonBody(body)));
      } catch (error) {
        if (!(error instanceof SandboxRequestError)) throw error;
        sendJson(response, 400, { error: error.message });
      }
      return;
    case 'DELETE /faults':
      state.faults.clear();
      sendJson(response, 200, {});
      return;
    default:
      sendJson(response, 404, { error: `no route for ${route}` });
  }
}

function describeSend(
  action: SesSendAttempt['action'],
  form: URLSearchParams,
): Omit<SesSendAttempt, 'outcome' | 'status'> {
  const at = new Date().toISOString();
  const source = form.get('Source') ?? undefined;
  if (action === 'SendRawEmail') {
    const raw = Buffer.from(form.get('RawMessage.Data') ?? '', 'base64').toString('utf8');
    const headerBlock = raw.split(/\r?\n\r?\n/)[0];
    const to = members(form, 'Destinations.member');
    return {
      at,
      action,
      source: source ?? /^From:[ \t]*(.*)$/im.exec(headerBlock)?.[1],
      to:
        to.length > 0
          ? to
          : (/^To:[ \t]*(.*)$/im
              .exec(headerBlock)?.[1]
              ?.split(',')
              .map((address) => address.trim()) ?? []),
      subject: /^Subject:[ \t]*(.*)$/im.exec(headerBlock)?.[1],
    };
  }
  return {
    at,
    action,
    source,
    to: members(form, 'Destination.ToAddresses.member'),
    subject: form.get('Message.Subject.Data') ?? undefined,
  };
}

function members(form: URLSearchParams, prefix: string): string[] {
  const values: string[] = [];
  for (let index = 1; form.has(`${prefix}.${index}`); index++)
    values.push(form.get(`${prefix}.${index}`) as string);
  return values;
}

function injectedFailure(to: string[], faults: FaultPlan<EmailFaultSettings>): SesError | undefined {
  if (!faults.nextCallFails()) return undefined;
  const settings = faults.current();
  if (settings.throttle)
    return { status: 400, code: 'Throttling', message: 'Maximum sending rate exceeded.' };
  if (settings.reject) {
    return {
      status: 400,
      code: 'MessageRejected',
      message: `Email address is not verified. The following identities failed the check in region US-EAST-1: ${to.join(', ')}`,
    };
  }
  return settings.status === 503
    ? { status: 503, code: 'ServiceUnavailable', message: 'Service is unavailable. Try again later.' }
    : {
        status: 500,
        code: 'InternalFailure',
        message: 'The request processing has failed because of an unknown error, exception or failure.',
      };
}

function sendError(response: ServerResponse, error: SesError): void {
  const requestId = randomUUID();
  sendText(
    response,
    error.status,
    'text/xml',
    `<ErrorResponse xmlns="${SES_XML_NAMESPACE}">` +
      `<Error><Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
      `<Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`,
    { 'x-amzn-requestid': requestId },
  );
}

/** Sends the request on to the target as it came, and its answer back; returns the answer. */
function forward(
  request: IncomingMessage,
  body: Buffer,
  response: ServerResponse,
  target: URL,
): Promise<{ status: number; body: string }> {
  const headers = { ...request.headers, host: target.host, 'content-length': String(body.length) };
  // readBody has already gunzipped the body.
  delete headers['content-encoding'];
  delete headers['transfer-encoding'];
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { hostname: target.hostname, port: target.port, path: request.url, method: request.method, headers },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const answer = Buffer.concat(chunks);
          const answerHeaders = { ...incoming.headers, 'content-length': String(answer.length) };
          delete answerHeaders['transfer-encoding'];
          delete answerHeaders.connection;
          response.writeHead(incoming.statusCode ?? 502, answerHeaders);
          response.end(answer);
          resolve({ status: incoming.statusCode ?? 502, body: answer.toString('utf8') });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
