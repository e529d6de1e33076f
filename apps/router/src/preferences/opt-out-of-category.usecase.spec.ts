import { DEFAULT_PREFERENCES, type OptOutOutcome, PreferenceStore } from './preference';
import { OptOutOfCategory } from './opt-out-of-category.usecase';

function storeAnswering(outcome: OptOutOutcome, calls: unknown[] = []): PreferenceStore {
  return {
    optOutOfCategory: async (...call: unknown[]) => {
      calls.push(call);
      return outcome;
    },
  } as unknown as PreferenceStore;
}

describe('OptOutOfCategory', () => {
  it('opts out of one channel of a category and answers the preferences after it', async () => {
    const calls: unknown[] = [];
    const preferences = { ...DEFAULT_PREFERENCES, categories: { alert: { channels: { sms: false } } } };
    const optOut = new OptOutOfCategory(
      storeAnswering({ outcome: 'opted-out', stored: { preferences, updatedAt: new Date(0) } }, calls),
    );

    const view = await optOut.execute('acme', 'ada', 'alert', 'sms');

    expect(calls).toEqual([['acme', 'ada', 'alert', 'sms']]);
    expect(view).toEqual({ ...preferences, updatedAt: '1970-01-01T00:00:00.000Z' });
  });

  it('refuses an unknown recipient with 404 RECIPIENT_NOT_FOUND', async () => {
    const optOut = new OptOutOfCategory(storeAnswering({ outcome: 'recipient-not-found' }));

    await expect(optOut.execute('acme', 'nobody', 'marketing')).rejects.toMatchObject({
      status: 404,
      code: 'RECIPIENT_NOT_FOUND',
    });
  });

  it('refuses a category beyond the limit with 422 naming category', async () => {
    const optOut = new OptOutOfCategory(storeAnswering({ outcome: 'too-many-categories' }));

    await expect(optOut.execute('acme', 'ada', 'one-too-many')).rejects.toMatchObject({
      status: 422,
      code: 'PREFERENCES_REFUSED',
      extensions: { errors: [{ field: 'category' }] },
    });
  });
});
