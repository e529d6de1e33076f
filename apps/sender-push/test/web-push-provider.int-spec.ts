import type { PushDispatch } from '@switchboard/contracts';
import { startPushService, type LocalPushSubscription, type PushService } from '@switchboard/testing';
import { generateVAPIDKeys } from 'web-push';
import { PushEndpointGuard } from '../src/push/push-endpoint-guard';
import {
  signWithWebPush,
  VapidAuthorizationCache,
  type VapidSigner,
} from '../src/push/vapid-authorization-cache';
import { PushDeliveryError, WebPushProvider, type GoneSubscription } from '../src/push/web-push-provider';

const keys = { subject: 'mailto:push@switchboard.test', ...generateVAPIDKeys() };

// The real web-push library and real HTTP against the local push service, which checks each
// VAPID token and decrypts each payload.
describe('WebPushProvider against a push service', () => {
  let pushService: PushService;
  let signatures: string[];
  let reported: GoneSubscription[];
  let provider: WebPushProvider;

  beforeAll(async () => {
    pushService = await startPushService();
  });

  afterAll(async () => {
    await pushService?.stop();
  });

  beforeEach(async () => {
    signatures = [];
    reported = [];
    const countingSigner: VapidSigner = (audience, vapidKeys, expiresAt) => {
      signatures.push(audience);
      return signWithWebPush(audience, vapidKeys, expiresAt);
    };
    provider = new WebPushProvider({
      vapid: new VapidAuthorizationCache({ keys, sign: countingSigner }),
      endpointGuard: new PushEndpointGuard({ sandboxOrigins: [pushService.origin] }),
      requestTimeoutMs: 10_000,
      reportGoneSubscriptions: async (_dispatch, gone) => void reported.push(...gone),
    });
    await pushService.clear();
  });

  let messageNumber = 0;
  function dispatchTo(
    subscriptions: LocalPushSubscription[],
    overrides: Partial<PushDispatch> = {},
  ): PushDispatch {
    messageNumber += 1;
    return {
      tenantId: 'acme',
      messageId: `7d4f7f1c-2f3b-4a8e-9a61-${String(messageNumber).padStart(12, '0')}`,
      recipientId: 'ada',
      subscriptions: subscriptions.map(({ endpoint, keys: subscriptionKeys }) => ({
        endpoint,
        keys: subscriptionKeys,
      })),
      notification: {
        title: 'Your order shipped',
        body: 'It arrives on Tuesday',
        url: 'https://shop.example.com/o/1',
      },
      ttlSeconds: 3600,
      urgency: 'high',
      ...overrides,
    };
  }
  const context = () => ({ attempt: 1, signal: new AbortController().signal });

  async function failureOf(promise: Promise<unknown>) {
    const error = await promise.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(PushDeliveryError);
    return provider.classify(error);
  }

  it('delivers the notification to every subscription, decrypted by the push service, with TTL, urgency and VAPID subject', async () => {
    const phone = await pushService.createSubscription();
    const laptop = await pushService.createSubscription();
    const dispatch = dispatchTo([phone, laptop]);

    const result = await provider.send(dispatch, context());

    expect(result.detail).toEqual({ subscriptions: 2, accepted: 2, gone: 0, failed: 0 });
    expect(result.providerMessageId).toMatch(new RegExp(`^${pushService.origin}/message/`));
    const pushes = await pushService.receivedPushes();
    expect(pushes.map((push) => push.subscriptionId).sort()).toEqual([phone.id, laptop.id].sort());
    for (const push of pushes) {
      expect(push).toMatchObject({
        ttl: 3600,
        urgency: 'high',
        vapidSubject: 'mailto:push@switchboard.test',
      });
      expect(JSON.parse(push.payload ?? 'null')).toEqual({
        messageId: dispatch.messageId,
        title: 'Your order shipped',
        body: 'It arrives on Tuesday',
        url: 'https://shop.example.com/o/1',
      });
    }
  });

  it('signs one VAPID token for the push service however many pushes go there', async () => {
    const subscriptions = await Promise.all(
      Array.from({ length: 5 }, () => pushService.createSubscription()),
    );
    for (let round = 0; round < 4; round += 1) await provider.send(dispatchTo(subscriptions), context());

    expect(await pushService.receivedPushes()).toHaveLength(20);
    expect(signatures).toEqual([pushService.origin]);
  });

  it('reports a gone subscription with its endpoint and still sends to the others', async () => {
    const gone = await pushService.createSubscription();
    const active = await pushService.createSubscription();
    await pushService.failSubscription(gone.id, { status: 410 });

    const result = await provider.send(dispatchTo([gone, active]), context());

    expect(result.detail).toEqual({ subscriptions: 2, accepted: 1, gone: 1, failed: 0 });
    expect(reported).toEqual([expect.objectContaining({ endpoint: gone.endpoint })]);
    expect((await pushService.receivedPushes()).map((push) => push.subscriptionId)).toEqual([active.id]);
  });

  it('fails for good when every subscription is gone', async () => {
    const gone = await pushService.createSubscription();
    await pushService.failSubscription(gone.id, { status: 404 });

    expect(await failureOf(provider.send(dispatchTo([gone]), context()))).toMatchObject({
      kind: 'permanent',
      code: 'subscription-gone',
    });
    expect(reported.map((subscription) => subscription.endpoint)).toEqual([gone.endpoint]);
  });

  it('asks for a retry when the push service answers 503, and sends once it recovers', async () => {
    const subscription = await pushService.createSubscription();
    await pushService.failSubscription(subscription.id, { status: 503 });
    const dispatch = dispatchTo([subscription]);

    expect(await failureOf(provider.send(dispatch, context()))).toMatchObject({
      kind: 'transient',
      code: 'http-503',
    });

    await pushService.restoreSubscription(subscription.id);
    await expect(provider.send(dispatch, context())).resolves.toMatchObject({ detail: { accepted: 1 } });
    expect(await pushService.receivedPushes()).toHaveLength(1);
  });

  it('refuses at send time an endpoint on a private address that is not in the sandbox list', async () => {
    const subscription = await pushService.createSubscription();
    const port = new URL(pushService.origin).port;
    // A host name that resolves to the push service's loopback address, as a rebound DNS name would.
    const rebound = {
      ...subscription,
      endpoint: `https://push.rebound.test:${port}/push/${subscription.id}`,
    };
    const productionProvider = new WebPushProvider({
      vapid: new VapidAuthorizationCache({ keys }),
      endpointGuard: new PushEndpointGuard({ lookup: async () => [{ address: '127.0.0.1', family: 4 }] }),
      requestTimeoutMs: 10_000,
    });
    const refusal = async (target: LocalPushSubscription) =>
      productionProvider.classify(
        await productionProvider.send(dispatchTo([target]), context()).catch((thrown: unknown) => thrown),
      );

    expect(await refusal(subscription)).toMatchObject({ kind: 'permanent', code: 'endpoint-refused' });
    expect(await refusal(rebound)).toEqual({
      kind: 'permanent',
      code: 'endpoint-refused',
      reason: expect.stringContaining('push.rebound.test resolves to the non-public address 127.0.0.1'),
    });
    expect(await pushService.receivedPushes()).toEqual([]);
  });
});
