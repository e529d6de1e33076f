import { InMemoryRecipientStore } from './in-memory-recipient-store';
import { UpsertRecipient } from './upsert-recipient.usecase';

describe('UpsertRecipient', () => {
  it('creates a recipient, then changes only the named fields, null clearing one', async () => {
    const upsert = new UpsertRecipient(new InMemoryRecipientStore());

    const first = await upsert.execute('acme', 'ada', {
      email: 'ada@example.com',
      phone: '+14155550123',
      timeZone: 'Europe/London',
    });
    const second = await upsert.execute('acme', 'ada', { email: null, locale: 'en-GB' });

    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.recipient).toMatchObject({
      recipientId: 'ada',
      email: null,
      phone: '+14155550123',
      timeZone: 'Europe/London',
      locale: 'en-GB',
    });
  });

  it('refuses an unknown time zone naming timeZone', async () => {
    const upsert = new UpsertRecipient(new InMemoryRecipientStore());

    await expect(upsert.execute('acme', 'ada', { timeZone: 'Mars/Olympus' })).rejects.toMatchObject({
      status: 422,
      extensions: { errors: [{ field: 'timeZone', problem: 'Mars/Olympus is not an IANA time zone' }] },
    });
  });
});
