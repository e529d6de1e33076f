import { DEFAULT_PREFERENCES, PreferenceStore, type StoredPreferences } from './preference';
import { GetRecipientPreferences } from './get-recipient-preferences.usecase';

function storeFinding(stored: StoredPreferences | undefined): PreferenceStore {
  return { find: async () => stored } as unknown as PreferenceStore;
}

describe('GetRecipientPreferences', () => {
  it('answers a recipient who has set nothing with the defaults and no update time', async () => {
    const get = new GetRecipientPreferences(
      storeFinding({ preferences: structuredClone(DEFAULT_PREFERENCES), updatedAt: null }),
    );

    expect(await get.execute('acme', 'ada')).toEqual({
      optedOut: false,
      categories: {},
      channelOrder: null,
      quietHours: null,
      updatedAt: null,
    });
  });

  it('answers the stored preferences with their update time', async () => {
    const updatedAt = new Date('2026-12-01T10:00:00Z');
    const get = new GetRecipientPreferences(
      storeFinding({ preferences: { ...DEFAULT_PREFERENCES, optedOut: true }, updatedAt }),
    );

    expect(await get.execute('acme', 'ada')).toMatchObject({
      optedOut: true,
      updatedAt: '2026-12-01T10:00:00.000Z',
    });
  });

  it('refuses an unknown recipient with 404 RECIPIENT_NOT_FOUND', async () => {
    const get = new GetRecipientPreferences(storeFinding(undefined));

    await expect(get.execute('acme', 'nobody')).rejects.toMatchObject({
      status: 404,
      code: 'RECIPIENT_NOT_FOUND',
    });
  });
});
