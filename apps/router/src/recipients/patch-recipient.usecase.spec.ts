import { InMemoryRecipientStore } from '../../test/support/in-memory-recipient-store';
import { PatchRecipient } from './patch-recipient.usecase';

async function setUp() {
  const store = new InMemoryRecipientStore();
  await store.upsert('acme', 'ada', {
    email: 'ada@example.com',
    phone: '+14155550123',
    timeZone: 'Europe/London',
    attributes: { plan: 'pro', country: 'GB', tags: ['a'] },
  });
  return { store, patch: new PatchRecipient(store) };
}

describe('PatchRecipient', () => {
  it('changes the given fields, clears a null one and keeps the others', async () => {
    const { patch } = await setUp();

    const recipient = await patch.execute('acme', 'ada', { phone: null, locale: 'en-GB' });

    expect(recipient).toMatchObject({
      email: 'ada@example.com',
      phone: null,
      timeZone: 'Europe/London',
      locale: 'en-GB',
      attributes: { plan: 'pro', country: 'GB', tags: ['a'] },
    });
  });

  it('merges attributes key by key, null deleting a key and a value replaced whole', async () => {
    const { patch } = await setUp();

    const recipient = await patch.execute('acme', 'ada', {
      attributes: { plan: 'enterprise', country: null, tags: ['b'], seats: 12 },
    });

    expect(recipient.attributes).toEqual({ plan: 'enterprise', tags: ['b'], seats: 12 });
  });

  it('refuses a merge that would exceed 100 attributes, naming attributes, and changes nothing', async () => {
    const { store, patch } = await setUp();
    const many = Object.fromEntries(Array.from({ length: 98 }, (_, index) => [`extra${index}`, index]));

    const refusal = await patch
      .execute('acme', 'ada', { email: 'grace@example.com', attributes: many })
      .catch((error: unknown) => error);

    expect(refusal).toMatchObject({
      status: 422,
      extensions: {
        errors: [
          { field: 'attributes', problem: 'would have 101 attributes once merged; at most 100 are kept' },
        ],
      },
    });
    expect(await store.find('acme', 'ada')).toMatchObject({ email: 'ada@example.com' });
  });

  it('answers 404 for a recipient the tenant does not have', async () => {
    const { patch } = await setUp();

    await expect(patch.execute('globex', 'ada', { locale: 'de' })).rejects.toMatchObject({
      status: 404,
      code: 'RECIPIENT_NOT_FOUND',
    });
  });
});
