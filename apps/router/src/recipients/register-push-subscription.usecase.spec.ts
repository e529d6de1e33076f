import { createECDH, randomBytes } from 'node:crypto';
import { PushEndpointPolicy } from '@switchboard/security';
import { InMemoryRecipientStore } from '../../test/support/in-memory-recipient-store';
import { RecipientError } from './recipient-error';
import { RegisterPushSubscription } from './register-push-subscription.usecase';

const browserKey = createECDH('prime256v1');
browserKey.generateKeys();
const keys = {
  p256dh: browserKey.getPublicKey().toString('base64url'),
  auth: randomBytes(16).toString('base64url'),
};
// A stand-in resolver: no real DNS in specs.
const policy = new PushEndpointPolicy({ lookup: async () => [{ address: '142.250.74.106', family: 4 }] });

async function setUp(limit = 3) {
  const store = new InMemoryRecipientStore();
  await store.upsert('acme', 'ada', {});
  return { store, register: new RegisterPushSubscription(store, policy, limit) };
}

describe('RegisterPushSubscription', () => {
  it('stores a public endpoint and shows it without its keys', async () => {
    const { register } = await setUp();

    const { recipient, created } = await register.execute('acme', 'ada', {
      endpoint: 'https://fcm.googleapis.com/fcm/send/1',
      keys,
    });

    expect(created).toBe(true);
    expect(recipient.pushSubscriptions).toEqual([
      { endpoint: 'https://fcm.googleapis.com/fcm/send/1', createdAt: expect.any(String) },
    ]);
  });

  it('drops the oldest subscription beyond the limit', async () => {
    const { register } = await setUp(2);
    for (const device of [1, 2, 3]) {
      await register.execute('acme', 'ada', {
        endpoint: `https://fcm.googleapis.com/fcm/send/${device}`,
        keys,
      });
    }

    const { recipient } = await register.execute('acme', 'ada', {
      endpoint: 'https://fcm.googleapis.com/fcm/send/3',
      keys,
    });

    expect(recipient.pushSubscriptions.map((subscription) => subscription.endpoint)).toEqual([
      'https://fcm.googleapis.com/fcm/send/2',
      'https://fcm.googleapis.com/fcm/send/3',
    ]);
  });

  it('refuses a loopback endpoint with 422 naming endpoint, and stores nothing', async () => {
    const { store, register } = await setUp();

    const refusal = await register
      .execute('acme', 'ada', { endpoint: 'https://127.0.0.1/push', keys })
      .catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(RecipientError);
    expect(refusal).toMatchObject({
      status: 422,
      code: 'PUSH_SUBSCRIPTION_REFUSED',
      extensions: { errors: [{ field: 'endpoint', problem: 'points to the non-public address 127.0.0.1' }] },
    });
    expect((await store.find('acme', 'ada'))?.pushSubscriptions).toEqual([]);
  });

  it('answers 404 for a recipient the tenant does not have', async () => {
    const { register } = await setUp();

    await expect(
      register.execute('globex', 'ada', { endpoint: 'https://fcm.googleapis.com/fcm/send/1', keys }),
    ).rejects.toMatchObject({ status: 404, code: 'RECIPIENT_NOT_FOUND' });
  });
});
