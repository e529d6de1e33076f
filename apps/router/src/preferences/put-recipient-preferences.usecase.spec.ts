import type { RecipientPreferences } from '@switchboard/contracts';
import { DEFAULT_PREFERENCES, PreferenceStore } from './preference';
import { PutRecipientPreferences } from './put-recipient-preferences.usecase';

describe('PutRecipientPreferences', () => {
  const preferences: RecipientPreferences = {
    ...DEFAULT_PREFERENCES,
    categories: { marketing: { enabled: false } },
    channelOrder: ['sms', 'email'],
  };

  it('stores the preferences for the recipient and answers them as stored', async () => {
    const written: unknown[] = [];
    const updatedAt = new Date('2026-12-01T10:00:00Z');
    const store = {
      put: async (...call: unknown[]) => {
        written.push(call);
        return { preferences, updatedAt };
      },
    } as unknown as PreferenceStore;

    const view = await new PutRecipientPreferences(store).execute('acme', 'ada', preferences);

    expect(written).toEqual([['acme', 'ada', preferences]]);
    expect(view).toEqual({ ...preferences, updatedAt: '2026-12-01T10:00:00.000Z' });
  });

  it('refuses an unknown recipient with 404 RECIPIENT_NOT_FOUND', async () => {
    const store = { put: async () => undefined } as unknown as PreferenceStore;

    await expect(
      new PutRecipientPreferences(store).execute('acme', 'nobody', preferences),
    ).rejects.toMatchObject({ status: 404, code: 'RECIPIENT_NOT_FOUND' });
  });
});
