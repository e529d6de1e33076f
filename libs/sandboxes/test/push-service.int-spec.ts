import webpush, { type RequestDetails, type RequestOptions } from 'web-push';
import { connectToPushService, startPushService, type LocalPushSubscription, type PushService } from '../src';

describe('startPushService', () => {
  let service: PushService;
  const vapidKeys = webpush.generateVAPIDKeys();
  const vapidDetails = { subject: 'mailto:ops@example.com', ...vapidKeys };

  beforeAll(async () => {
    service = await startPushService();
  });
  afterAll(() => service.stop());
  beforeEach(() => service.clear());

  /**
   * web-push builds the request (VAPID token, aes128gcm body, headers); it is sent with fetch
   * because web-push's own sendNotification speaks HTTPS only.
   */
  async function push(
    subscription: LocalPushSubscription,
    payload: string | null,
    options: RequestOptions = {},
    rewriteHeaders: (headers: Record<string, string>) => Record<string, string> = (headers) => headers,
  ): Promise<Response> {
    const requestOptions = { vapidDetails, TTL: 60, ...options };
    const request: RequestDetails =
      payload === null
        ? webpush.generateRequestDetails(subscription, null, requestOptions)
        : webpush.generateRequestDetails(subscription, payload, requestOptions);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
    );
    return fetch(request.endpoint, {
      method: request.method,
      headers: rewriteHeaders(headers),
      ...(request.body ? { body: new Uint8Array(request.body) } : {}),
    });
  }

  function withoutHeader(headers: Record<string, string>, name: string): Record<string, string> {
    return Object.fromEntries(Object.entries(headers).filter(([header]) => header !== name));
  }

  it('hands out subscriptions that web-push accepts, and decrypts what web-push encrypted', async () => {
    const subscription = await service.createSubscription();
    expect(subscription.endpoint).toBe(`${service.origin}/push/${subscription.id}`);
    expect(Buffer.from(subscription.keys.p256dh, 'base64url')).toHaveLength(65);
    expect(Buffer.from(subscription.keys.auth, 'base64url')).toHaveLength(16);
    const payload = JSON.stringify({ title: 'Your order shipped', body: 'It arrives Tuesday — track it 📦' });

    const response = await push(subscription, payload, { TTL: 3600, urgency: 'high', topic: 'order-SB-1' });

    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toMatch(new RegExp(`^${service.origin}/message/`));
    expect(await service.receivedPushes()).toEqual([
      {
        subscriptionId: subscription.id,
        payload,
        ttl: 3600,
        urgency: 'high',
        topic: 'order-SB-1',
        vapidSubject: 'mailto:ops@example.com',
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      },
    ]);
  });

  it('accepts a push without a payload', async () => {
    const subscription = await service.createSubscription();

    expect((await push(subscription, null)).status).toBe(201);

    expect((await service.receivedPushes()).map((received) => received.payload)).toEqual([null]);
  });

  it('refuses a VAPID token signed by another key than the one it names', async () => {
    const subscription = await service.createSubscription();
    const otherKeys = webpush.generateVAPIDKeys();

    const response = await push(subscription, 'hello', {}, (headers) => ({
      ...headers,
      Authorization: headers.Authorization.replace(/k=.*$/, `k=${otherKeys.publicKey}`),
    }));

    expect(response.status).toBe(403);
    expect(await response.text()).toContain('signature');
    expect(await service.receivedPushes()).toEqual([]);
  });

  it('refuses a VAPID token for another push service, and one without Authorization', async () => {
    const subscription = await service.createSubscription();
    const foreign = webpush.getVapidHeaders(
      'https://fcm.googleapis.com',
      vapidDetails.subject,
      vapidKeys.publicKey,
      vapidKeys.privateKey,
      'aes128gcm',
    );

    const wrongAudience = await push(subscription, 'hello', {}, (headers) => ({
      ...headers,
      Authorization: foreign.Authorization,
    }));
    expect(wrongAudience.status).toBe(403);
    expect(await wrongAudience.text()).toContain(`audience must be ${service.origin}`);

    const anonymous = await push(subscription, 'hello', {}, (headers) =>
      withoutHeader(headers, 'Authorization'),
    );
    expect(anonymous.status).toBe(401);
    expect(await service.receivedPushes()).toEqual([]);
  });

  it('requires a TTL header', async () => {
    const subscription = await service.createSubscription();

    const response = await push(subscription, 'hello', {}, (headers) => withoutHeader(headers, 'TTL'));

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('TTL');
  });

  it('answers 410 for a gone subscription, 429 with Retry-After, and 404 for an unknown one', async () => {
    const subscription = await service.createSubscription();
    await service.failSubscription(subscription.id, { status: 410 });
    expect((await push(subscription, 'hello')).status).toBe(410);

    await service.failSubscription(subscription.id, { status: 429, retryAfterSeconds: 120 });
    const throttled = await push(subscription, 'hello');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('120');

    await service.restoreSubscription(subscription.id);
    expect((await push(subscription, 'back')).status).toBe(201);
    expect((await service.receivedPushes()).map((received) => received.payload)).toEqual(['back']);

    const unknown = { ...subscription, endpoint: `${service.origin}/push/no-such-subscription` };
    expect((await push(unknown, 'hello')).status).toBe(404);
  });

  it('is controlled and read from another process by its origin', async () => {
    const remote = connectToPushService(service.origin);
    const subscription = await remote.createSubscription();
    await remote.failSubscription(subscription.id, { status: 503 });
    expect((await push(subscription, 'hello')).status).toBe(503);
    await remote.restoreSubscription(subscription.id);
    await push(subscription, 'remote');

    expect((await remote.receivedPushes()).map((received) => received.payload)).toEqual(['remote']);
    await expect(remote.failSubscription(subscription.id, { status: 418 } as never)).rejects.toThrow(
      /HTTP 400.*status/,
    );
    await remote.clear();
    expect(await service.receivedPushes()).toEqual([]);
  });
});
