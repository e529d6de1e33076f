import { startPushService, type PushService } from '@switchboard/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateVAPIDKeys } from 'web-push';
import { postPushRequest } from '../src/push/post-push-request';
import { PushEndpointGuard } from '../src/push/push-endpoint-guard';
import { VapidAuthorizationCache } from '../src/push/vapid-authorization-cache';
import { WebPushProvider } from '../src/push/web-push-provider';

describe('postPushRequest', () => {
  let pushService: PushService;

  beforeAll(async () => {
    pushService = await startPushService();
  });

  afterAll(async () => {
    await pushService?.stop();
  });

  it('connects to the checked address, whatever the host name would resolve to now', async () => {
    const port = new URL(pushService.origin).port;
    // .test names never resolve: the answer can only come from the pinned address.
    const answer = await postPushRequest(
      { endpoint: `http://push.pinned.test:${port}/push/unknown`, headers: { TTL: 60 }, body: null },
      { signal: AbortSignal.timeout(10_000), connectTo: { address: '127.0.0.1', family: 4 } },
    );
    expect(answer).toMatchObject({ statusCode: 404, body: 'no subscription unknown' });
  });
});

describe('WebPushProvider with a push service that never answers', () => {
  let silent: Server;
  let origin: string;

  beforeAll(async () => {
    // Reads the request and never answers, as an overloaded push service can.
    silent = createServer((request) => request.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('gives up after the request timeout, as a transient failure that may have been delivered', async () => {
    const subscription = await startPushService().then(async (service) => {
      const created = await service.createSubscription();
      await service.stop();
      return created;
    });
    const provider = new WebPushProvider({
      vapid: new VapidAuthorizationCache({
        keys: { subject: 'mailto:push@switchboard.test', ...generateVAPIDKeys() },
      }),
      endpointGuard: new PushEndpointGuard({ sandboxOrigins: [origin] }),
      requestTimeoutMs: 300,
    });
    const dispatch = {
      tenantId: 'acme',
      messageId: '7d4f7f1c-2f3b-4a8e-9a61-000000000001',
      recipientId: 'ada',
      subscriptions: [{ endpoint: `${origin}/push/${subscription.id}`, keys: subscription.keys }],
      notification: { title: 'Hello', body: 'World' },
      ttlSeconds: 60,
      urgency: 'normal' as const,
    };

    const error = await provider
      .send(dispatch, { attempt: 1, signal: new AbortController().signal })
      .catch((thrown: unknown) => thrown);

    expect(provider.classify(error)).toEqual({
      kind: 'transient',
      code: 'timeout',
      reason: '1 subscription failed: timeout (the push service did not answer within 300 ms)',
    });
    expect(provider.mayHaveBeenSent(error)).toBe(true);
  });
});
