import { Logger } from '@nestjs/common';
import type { PushDispatch, PushSubscription } from '@switchboard/contracts';
import type { ResolvedAddress } from '@switchboard/security';
import { createECDH, randomBytes } from 'node:crypto';
import { generateVAPIDKeys } from 'web-push';
import type { PostPush, PushAnswer, PushRequest } from './post-push-request';
import { PushEndpointGuard } from './push-endpoint-guard';
import { MAX_PUSH_PAYLOAD_BYTES } from './push-payload';
import { VapidAuthorizationCache } from './vapid-authorization-cache';
import { PushDeliveryError, WebPushProvider, type GoneSubscription } from './web-push-provider';

const PUBLIC: ResolvedAddress = { address: '93.184.215.14', family: 4 };
const keys = { subject: 'mailto:push@example.com', ...generateVAPIDKeys() };

function subscription(endpoint: string): PushSubscription {
  const device = createECDH('prime256v1');
  return {
    endpoint,
    keys: {
      p256dh: device.generateKeys().toString('base64url'),
      auth: randomBytes(16).toString('base64url'),
    },
  };
}

function dispatchTo(...endpoints: string[]): PushDispatch {
  return {
    tenantId: 'acme',
    messageId: '0f6b7d4e-3c52-4d8e-9a41-2b1c8e5f7a10',
    recipientId: 'ada',
    subscriptions: endpoints.map(subscription),
    notification: {
      title: 'Your order shipped',
      body: 'It arrives Tuesday',
      url: 'https://shop.example.com/o/1',
    },
    ttlSeconds: 3600,
    urgency: 'high',
  };
}

const answer = (statusCode: number, body = '', headers: PushAnswer['headers'] = {}): PushAnswer => ({
  statusCode,
  body,
  headers,
});

function setUp(
  answerFor: (request: PushRequest, signal: AbortSignal) => Promise<PushAnswer>,
  lookup = async () => [PUBLIC],
) {
  const posted: Array<{ request: PushRequest; connectTo?: ResolvedAddress }> = [];
  const reported: GoneSubscription[][] = [];
  const post: PostPush = async (request, options) => {
    posted.push({ request, connectTo: options.connectTo });
    return answerFor(request, options.signal);
  };
  const vapid = new VapidAuthorizationCache({ keys });
  const provider = new WebPushProvider({
    vapid,
    endpointGuard: new PushEndpointGuard({ lookup }),
    requestTimeoutMs: 200,
    post,
    reportGoneSubscriptions: async (_dispatch, gone) => void reported.push(gone),
    now: () => new Date('2026-05-01T12:00:00.000Z'),
  });
  return { provider, posted, reported, vapid };
}

const context = () => ({ attempt: 1, signal: new AbortController().signal });

async function failureOf(promise: Promise<unknown>, provider: WebPushProvider) {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PushDeliveryError);
  return provider.classify(error);
}

describe('WebPushProvider', () => {
  it('encrypts for each subscription and posts with TTL, urgency and a VAPID token of its push service', async () => {
    const { provider, posted } = setUp(async () =>
      answer(201, '', { location: 'https://push.example.com/m/1' }),
    );
    const dispatch = dispatchTo('https://push.example.com/s/1', 'https://other-push.example.net/s/2');
    await expect(provider.send(dispatch, context())).resolves.toEqual({
      providerMessageId: 'https://push.example.com/m/1',
      detail: { subscriptions: 2, accepted: 2, gone: 0, failed: 0 },
    });
    expect(posted).toHaveLength(2);
    const [first] = posted;
    expect(first.connectTo).toEqual(PUBLIC);
    expect(first.request.headers).toMatchObject({
      TTL: 3600,
      Urgency: 'high',
      'Content-Encoding': 'aes128gcm',
      Authorization: expect.stringMatching(new RegExp(`^vapid t=.+, k=${keys.publicKey}$`)),
    });
    const claims = (request: PushRequest) =>
      JSON.parse(Buffer.from(String(request.headers.Authorization).split('.')[1], 'base64url').toString());
    expect(claims(posted[0].request).aud).toBe('https://push.example.com');
    expect(claims(posted[1].request).aud).toBe('https://other-push.example.net');
    // Encrypted: the notification text is not in the body.
    expect(first.request.body?.toString('latin1')).not.toContain('Your order shipped');
  });

  it('signs one VAPID token per push service for many subscriptions and dispatches', async () => {
    const { provider, vapid } = setUp(async () => answer(201));
    const endpoints = Array.from({ length: 10 }, (_, index) => `https://push.example.com/s/${index}`);
    for (let dispatch = 0; dispatch < 5; dispatch += 1)
      await provider.send(dispatchTo(...endpoints), context());
    expect(vapid.signatures).toBe(1);
  });

  it('reports gone subscriptions and still counts the push sent when another device accepted it', async () => {
    const { provider, reported } = setUp(async (request) =>
      request.endpoint.endsWith('/gone') ? answer(410, 'unsubscribed') : answer(201),
    );
    const result = await provider.send(
      dispatchTo('https://push.example.com/s/gone', 'https://push.example.com/s/ok'),
      context(),
    );
    expect(result.detail).toEqual({ subscriptions: 2, accepted: 1, gone: 1, failed: 0 });
    expect(reported).toEqual([
      [
        {
          endpoint: 'https://push.example.com/s/gone',
          reason: 'HTTP 410: unsubscribed',
          at: new Date('2026-05-01T12:00:00.000Z'),
        },
      ],
    ]);
  });

  it('fails for good as subscription-gone when every subscription is gone', async () => {
    const { provider, reported } = setUp(async () => answer(404));
    const failure = await failureOf(
      provider.send(dispatchTo('https://push.example.com/s/1', 'https://push.example.com/s/2'), context()),
      provider,
    );
    expect(failure).toMatchObject({ kind: 'permanent', code: 'subscription-gone' });
    expect(reported[0].map((gone) => gone.endpoint)).toEqual([
      'https://push.example.com/s/1',
      'https://push.example.com/s/2',
    ]);
  });

  it('asks for a retry when the push service fails and no subscription accepted', async () => {
    const { provider } = setUp(async () => answer(503, 'busy'));
    const failure = await failureOf(
      provider.send(dispatchTo('https://push.example.com/s/1'), context()),
      provider,
    );
    expect(failure).toEqual({
      kind: 'transient',
      code: 'http-503',
      reason: '1 subscription failed: http-503 (HTTP 503: busy)',
    });
  });

  it('gives up on a push service that does not answer in time, as a transient failure', async () => {
    const { provider } = setUp(
      (_request, signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
        ),
    );
    const failure = await failureOf(
      provider.send(dispatchTo('https://push.example.com/s/1'), context()),
      provider,
    );
    expect(failure).toMatchObject({ kind: 'transient', code: 'timeout' });
  });

  it('refuses at send time an endpoint whose host now resolves to a private address, without posting', async () => {
    const { provider, posted } = setUp(
      async () => answer(201),
      async () => [{ address: '192.168.1.10', family: 4 }],
    );
    const failure = await failureOf(
      provider.send(dispatchTo('https://push.example.com/s/1'), context()),
      provider,
    );
    expect(failure).toMatchObject({ kind: 'permanent', code: 'endpoint-refused' });
    expect(failure.reason).toContain('resolves to the non-public address 192.168.1.10');
    expect(posted).toEqual([]);
  });

  it('refuses a subscription whose keys cannot be encrypted for', async () => {
    const { provider, posted } = setUp(async () => answer(201));
    const dispatch = dispatchTo('https://push.example.com/s/1');
    dispatch.subscriptions[0].keys.p256dh = Buffer.from('short').toString('base64url');
    const failure = await failureOf(provider.send(dispatch, context()), provider);
    expect(failure).toMatchObject({ kind: 'permanent', code: 'invalid-subscription' });
    expect(posted).toEqual([]);
  });

  it('refuses a notification too large for push services before posting', async () => {
    const { provider, posted } = setUp(async () => answer(201));
    const dispatch = dispatchTo('https://push.example.com/s/1');
    dispatch.notification.body = 'é'.repeat(1000);
    dispatch.notification.icon = `https://shop.example.com/${'i'.repeat(2000)}`;
    const failure = await failureOf(provider.send(dispatch, context()), provider);
    expect(failure).toMatchObject({ kind: 'permanent', code: 'payload-too-large' });
    expect(failure.reason).toContain(`at most ${MAX_PUSH_PAYLOAD_BYTES}`);
    expect(posted).toEqual([]);
  });

  it('still sends when reporting gone subscriptions fails, and says so in the log', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const provider = new WebPushProvider({
      vapid: new VapidAuthorizationCache({ keys }),
      endpointGuard: new PushEndpointGuard({ lookup: async () => [PUBLIC] }),
      requestTimeoutMs: 200,
      post: async (request) => (request.endpoint.endsWith('/gone') ? answer(410) : answer(201)),
      reportGoneSubscriptions: async () => {
        throw new Error('broker down');
      },
    });
    await expect(
      provider.send(
        dispatchTo('https://push.example.com/s/gone', 'https://push.example.com/s/ok'),
        context(),
      ),
    ).resolves.toMatchObject({ detail: { accepted: 1, gone: 1 } });
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'could not report gone push subscriptions', error: 'broker down' }),
    );
    warn.mockRestore();
  });

  it('tells the runtime a timed-out push may have been delivered, and a refused one was not', async () => {
    const { provider } = setUp(
      (_request, signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
        ),
    );
    const timedOut = await provider
      .send(dispatchTo('https://push.example.com/s/1'), context())
      .catch((error: unknown) => error);
    expect(provider.mayHaveBeenSent(timedOut)).toBe(true);

    const { provider: refusing } = setUp(async () => answer(503));
    const refused = await refusing
      .send(dispatchTo('https://push.example.com/s/1'), context())
      .catch((error: unknown) => error);
    expect(refusing.mayHaveBeenSent(refused)).toBe(false);
  });
});
