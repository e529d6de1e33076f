import { InMemoryRecipientStore } from '../../test/support/in-memory-recipient-store';
import { UpsertRecipient } from './upsert-recipient.usecase';

describe('UpsertRecipient', () => {
  it('creates a recipient, then replaces its profile: a field left out is cleared', async () => {
    const upsert = new UpsertRecipient(new InMemoryRecipientStore());

    const first = await upsert.execute('acme', 'ada', {
      email: 'ada@example.com',
      phone: '+14155550123',
      timeZone: 'Europe/London',
      attributes: { plan: 'pro' },
    });
    const second = await upsert.execute('acme', 'ada', { locale: 'en-GB' });

    expect(first.created).toBe(true);
    expect(first.recipient).toMatchObject({ attributes: { plan: 'pro' }, timeZone: 'Europe/London' });
    expect(second.created).toBe(false);
    expect(second.recipient).toMatchObject({
      recipientId: 'ada',
      email: null,
      phone: null,
      timeZone: null,
      locale: 'en-GB',
      attributes: {},
    });
  });

  it('keeps push subscriptions when the profile is replaced', async () => {
    const store = new InMemoryRecipientStore();
    const upsert = new UpsertRecipient(store);
    await upsert.execute('acme', 'ada', { email: 'ada@example.com' });
    await store.addPushSubscription(
      'acme',
      'ada',
      { endpoint: 'https://push.example.com/1', p256dh: 'p', auth: 'a' },
      20,
    );

    const { recipient } = await upsert.execute('acme', 'ada', { phone: '+14155550123' });

    expect(recipient.pushSubscriptions).toEqual([
      { endpoint: 'https://push.example.com/1', createdAt: expect.any(String) },
    ]);
  });

  it('stores the email domain lower-cased and in ASCII', async () => {
    const upsert = new UpsertRecipient(new InMemoryRecipientStore());

    const { recipient } = await upsert.execute('acme', 'ada', { email: 'Ada@Bücher.Example' });

    expect(recipient.email).toBe('Ada@xn--bcher-kva.example');
  });

  it('refuses a placeholder email and an unassigned number with 400 naming each, storing nothing', async () => {
    const store = new InMemoryRecipientStore();
    const upsert = new UpsertRecipient(store);

    const refusal = await upsert
      .execute('acme', 'ada', { email: 'test@test.com', phone: '+15555550123' })
      .catch((error: unknown) => error);

    expect(refusal).toMatchObject({
      problems: [
        { field: 'email', problem: 'is a placeholder, not an address anyone receives mail at' },
        { field: 'phone', problem: 'is not a number in use in the numbering plan of +1' },
      ],
    });
    expect(await store.find('acme', 'ada')).toBeUndefined();
  });
});
