import { ImportRecipients } from './import-recipients.usecase';
import { InMemoryRecipientStore } from '../../test/support/in-memory-recipient-store';

describe('ImportRecipients', () => {
  it('writes every valid profile, creating new recipients and replacing known ones', async () => {
    const store = new InMemoryRecipientStore();
    await store.upsert('acme', 'grace', { email: 'grace@example.com', locale: 'en' });
    const importRecipients = new ImportRecipients(store);

    const outcome = await importRecipients.execute('acme', [
      { recipientId: 'ada', email: 'Ada@Example.COM', attributes: { plan: 'pro' } },
      { recipientId: 'grace', phone: '+14155550123' },
    ]);

    expect(outcome).toEqual({
      status: 200,
      body: {
        created: 1,
        updated: 1,
        rejected: 0,
        results: [
          { index: 0, recipientId: 'ada', status: 'created' },
          { index: 1, recipientId: 'grace', status: 'updated' },
        ],
      },
    });
    expect(await store.find('acme', 'ada')).toMatchObject({
      email: 'Ada@example.com',
      attributes: { plan: 'pro' },
    });
    expect(await store.find('acme', 'grace')).toMatchObject({
      email: null,
      locale: null,
      phone: '+14155550123',
    });
  });

  it('rejects a repeated recipient id for the later item, and invalid items with their fields', async () => {
    const store = new InMemoryRecipientStore();
    const importRecipients = new ImportRecipients(store);

    const outcome = await importRecipients.execute('acme', [
      { recipientId: 'ada', email: 'ada@example.com' },
      { recipientId: 'ada', email: 'other@example.com' },
      { recipientId: 'grace', timeZone: 'Mars/Olympus' },
      { recipientId: 'linus', email: 'noemail@example.com' },
      { email: 'nobody-named@example.com' },
      'not an object',
    ]);

    expect(outcome.status).toBe(207);
    expect(outcome.body).toMatchObject({ created: 1, updated: 0, rejected: 5 });
    expect(outcome.body.results).toEqual([
      { index: 0, recipientId: 'ada', status: 'created' },
      {
        index: 1,
        recipientId: 'ada',
        status: 'rejected',
        problems: [{ field: 'recipientId', problem: 'names the same recipient as item 0 of this batch' }],
      },
      {
        index: 2,
        recipientId: 'grace',
        status: 'rejected',
        problems: [{ field: 'timeZone', problem: 'must be an IANA time zone such as Europe/Berlin' }],
      },
      {
        index: 3,
        recipientId: 'linus',
        status: 'rejected',
        problems: [{ field: 'email', problem: 'is a placeholder, not an address anyone receives mail at' }],
      },
      {
        index: 4,
        recipientId: null,
        status: 'rejected',
        problems: [expect.objectContaining({ field: 'recipientId' })],
      },
      { index: 5, recipientId: null, status: 'rejected', problems: [expect.objectContaining({ field: '' })] },
    ]);
    expect((await store.find('acme', 'ada'))?.email).toBe('ada@example.com');
  });
});
