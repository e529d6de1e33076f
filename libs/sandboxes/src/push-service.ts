import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { closeServer, listen, reachableHost, readBody } from './http-server';
import { parseJsonBody, requestSandbox, SandboxRequestError, sendJson, sendText } from './sandbox-http';
import {
  createUserAgentKeys,
  decryptPushMessage,
  verifyVapidAuthorization,
  WebPushRefusal,
  type UserAgentKeys,
} from './web-push-crypto';

/** A browser's PushSubscription as `PushSubscription.toJSON()` gives it, plus the id the service knows it by. */
export interface LocalPushSubscription {
  id: string;
  endpoint: string;
  expirationTime: null;
  keys: { p256dh: string; auth: string };
}

export type PushUrgency = 'very-low' | 'low' | 'normal' | 'high';

export interface ReceivedPush {
  subscriptionId: string;
  /** The decrypted payload as UTF-8 text; null for a push without a body. */
  payload: string | null;
  ttl: number;
  /** `normal` when the sender gave no Urgency header (RFC 8030's default). */
  urgency: PushUrgency;
  topic?: string;
  /** The `sub` claim of the VAPID token (mailto: or https: contact). */
  vapidSubject?: string;
  /** ISO time with milliseconds. */
  at: string;
}

/** How a subscription answers instead of accepting pushes. */
export interface PushSubscriptionFailure {
  /** 404 or 410: the subscription is gone; 429: too many requests; 5xx: the service is failing. */
  status: 404 | 410 | 429 | 500 | 502 | 503;
  /** Retry-After of a 429 or 503 answer; 429 always carries one (default 60). */
  retryAfterSeconds?: number;
}

/** The push service seen from a test, in this process or another. */
export interface PushServiceControl {
  createSubscription(): Promise<LocalPushSubscription>;
  /** Makes a subscription answer with an error until `restoreSubscription`. */
  failSubscription(subscriptionId: string, failure: PushSubscriptionFailure): Promise<void>;
  restoreSubscription(subscriptionId: string): Promise<void>;
  receivedPushes(): Promise<ReceivedPush[]>;
  /** Forgets the received pushes; subscriptions stay. */
  clear(): Promise<void>;
}

export interface PushService extends PushServiceControl {
  /** `http://host:port`: the VAPID audience of every endpoint of this service. */
  origin: string;
  stop(): Promise<void>;
}

interface Subscription {
  keys: UserAgentKeys;
  failure?: PushSubscriptionFailure;
}

const URGENCIES: readonly PushUrgency[] = ['very-low', 'low', 'normal', 'high'];
/** What real push services accept (RFC 8030 asks for at least 4096 bytes of body). */
const MAX_BODY_BYTES = 4096;
const DEFAULT_RETRY_AFTER_SECONDS = 60;

const failureSchema = z.strictObject({
  status: z.literal([404, 410, 429, 500, 502, 503]),
  retryAfterSeconds: z.number().int().min(0).optional(),
});

/**
 * A Web Push service (RFC 8030) in this process, standing in for the browser vendors' services:
 * it hands out subscriptions with real keys, checks each push's VAPID token (RFC 8292), decrypts
 * the aes128gcm payload (RFC 8291) and keeps what arrived. Other processes control it over HTTP
 * (`connectToPushService`).
 */
export async function startPushService(options: { port?: number; host?: string } = {}): Promise<PushService> {
  const host = options.host ?? '127.0.0.1';
  const subscriptions = new Map<string, Subscription>();
  const received: ReceivedPush[] = [];
  let origin = '';
  const server = createServer((request, response) => {
    handle(request, response, { origin, subscriptions, received }).catch((error: Error) => {
      if (!response.headersSent) sendJson(response, 500, { error: error.message });
    });
  });
  let port: number;
  try {
    port = await listen(server, options.port ?? 0, host);
  } catch (error) {
    throw new Error(
      `the push service could not listen on ${host}:${options.port ?? 0}: ${(error as Error).message}`,
    );
  }
  origin = `http://${reachableHost(host)}:${port}`;
  return { origin, ...connectToPushService(origin), stop: () => closeServer(server) };
}

export function connectToPushService(origin: string): PushServiceControl {
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
    requestSandbox('push service', origin, method, path, body);
  const subscriptionPath = (id: string) => `/subscriptions/${encodeURIComponent(id)}/failure`;
  return {
    createSubscription: async () => (await call('POST', '/subscriptions')) as LocalPushSubscription,
    failSubscription: async (id, failure) => void (await call('PUT', subscriptionPath(id), failure)),
    restoreSubscription: async (id) => void (await call('DELETE', subscriptionPath(id))),
    receivedPushes: async () => ((await call('GET', '/pushes')) as { pushes: ReceivedPush[] }).pushes,
    clear: async () => void (await call('DELETE', '/pushes')),
  };
}

interface ServiceState {
  origin: string;
  subscriptions: Map<string, Subscription>;
  received: ReceivedPush[];
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  state: ServiceState,
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  const route = `${request.method} ${path}`;
  const push = /^POST \/push\/([^/]+)$/.exec(route);
  if (push) {
    await receivePush(decodeURIComponent(push[1]), request, response, state);
    return;
  }
  const body = await readBody(request, 64 * 1024);
  const failure = /^(PUT|DELETE) \/subscriptions\/([^/]+)\/failure$/.exec(route);
  if (failure) {
    const subscription = state.subscriptions.get(decodeURIComponent(failure[2]));
    if (!subscription) {
      sendJson(response, 404, { error: `no subscription ${failure[2]}` });
      return;
    }
    if (failure[1] === 'DELETE') {
      delete subscription.failure;
      sendJson(response, 200, {});
      return;
    }
    try {
      const parsed = failureSchema.safeParse(parseJsonBody(body));
      if (!parsed.success) {
        throw new SandboxRequestError(
          parsed.error.issues
            .map((issue) => `${issue.path.join('.') || 'failure'}: ${issue.message}`)
            .join('; '),
        );
      }
      subscription.failure = parsed.data as PushSubscriptionFailure;
      sendJson(response, 200, subscription.failure);
    } catch (error) {
      if (!(error instanceof SandboxRequestError)) throw error;
      sendJson(response, 400, { error: error.message });
    }
    return;
  }
  switch (route) {
    case 'POST /subscriptions': {
      const id = randomUUID();
      const keys = createUserAgentKeys(randomBytes(16));
      state.subscriptions.set(id, { keys });
      const subscription: LocalPushSubscription = {
        id,
        endpoint: `${state.origin}/push/${id}`,
        expirationTime: null,
        keys: { p256dh: keys.publicKey.toString('base64url'), auth: keys.authSecret.toString('base64url') },
      };
      sendJson(response, 201, subscription);
      return;
    }
    case 'GET /pushes':
      sendJson(response, 200, { pushes: state.received });
      return;
    case 'DELETE /pushes':
      state.received.splice(0);
      sendJson(response, 200, {});
      return;
    default:
      sendJson(response, 404, { error: `no route for ${route}` });
  }
}

async function receivePush(
  subscriptionId: string,
  request: IncomingMessage,
  response: ServerResponse,
  state: ServiceState,
): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(request, MAX_BODY_BYTES);
  } catch {
    request.resume();
    sendText(response, 413, 'text/plain', `the push message body is larger than ${MAX_BODY_BYTES} bytes`);
    return;
  }
  const subscription = state.subscriptions.get(subscriptionId);
  if (!subscription) {
    sendText(response, 404, 'text/plain', `no subscription ${subscriptionId}`);
    return;
  }
  if (subscription.failure) {
    const { status, retryAfterSeconds } = subscription.failure;
    const retryAfter = retryAfterSeconds ?? (status === 429 ? DEFAULT_RETRY_AFTER_SECONDS : undefined);
    sendText(
      response,
      status,
      'text/plain',
      status === 404 || status === 410
        ? 'the subscription has expired or was unsubscribed'
        : `push service answers ${status}`,
      retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) },
    );
    return;
  }
  try {
    const vapid = verifyVapidAuthorization(
      request.headers.authorization,
      state.origin,
      Math.floor(Date.now() / 1000),
    );
    const ttl = readTtl(request.headers.ttl);
    const urgency = readUrgency(request.headers.urgency);
    const topic = readTopic(request.headers.topic);
    let payload: string | null = null;
    if (body.length > 0) {
      const encoding = request.headers['content-encoding'];
      if (encoding !== 'aes128gcm') {
        throw new WebPushRefusal(
          415,
          `the push message must be Content-Encoding: aes128gcm, got ${encoding ?? 'none'}`,
        );
      }
      payload = decryptPushMessage(body, subscription.keys).toString('utf8');
    }
    const messageId = randomUUID();
    state.received.push({
      subscriptionId,
      payload,
      ttl,
      urgency,
      ...(topic === undefined ? {} : { topic }),
      ...(vapid.subject === undefined ? {} : { vapidSubject: vapid.subject }),
      at: new Date().toISOString(),
    });
    sendText(response, 201, 'text/plain', '', {
      location: `${state.origin}/message/${messageId}`,
      ttl: String(ttl),
    });
  } catch (error) {
    if (!(error instanceof WebPushRefusal)) throw error;
    sendText(response, error.status, 'text/plain', error.message);
  }
}

function readTtl(header: string | string[] | undefined): number {
  if (header === undefined) throw new WebPushRefusal(400, 'the TTL header is required');
  if (typeof header !== 'string' || !/^\d+$/.test(header)) {
    throw new WebPushRefusal(400, `the TTL header must be a number of seconds, got ${String(header)}`);
  }
  return Number(header);
}

function readUrgency(header: string | string[] | undefined): PushUrgency {
  if (header === undefined) return 'normal';
  if (!URGENCIES.includes(header as PushUrgency)) {
    throw new WebPushRefusal(
      400,
      `the Urgency header must be one of ${URGENCIES.join(', ')}, got ${String(header)}`,
    );
  }
  return header as PushUrgency;
}

function readTopic(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(header)) {
    throw new WebPushRefusal(
      400,
      'the Topic header must be at most 32 characters of the URL-safe base64 alphabet',
    );
  }
  return header;
}
