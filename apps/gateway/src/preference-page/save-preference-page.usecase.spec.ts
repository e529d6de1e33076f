import { parseLinkKeyring, signLink } from '@switchboard/security';
import type { UpstreamAnswer } from '../internal-services/internal-service-client';
import type { StoredPreferences } from './preference-page-form';
import { SavePreferencePage } from './save-preference-page.usecase';
import { ShowPreferencePage } from './show-preference-page.usecase';

const keyring = parseLinkKeyring(`k1:${'0a'.repeat(32)}`);
const issuedAt = new Date('2026-12-01T10:00:00Z');
const stored: StoredPreferences = { optedOut: false, categories: {}, channelOrder: null, quietHours: null };

function routerPreferences(getStatus = 200) {
  const puts: unknown[] = [];
  return {
    puts,
    get: async (): Promise<UpstreamAnswer> => ({ status: getStatus, body: { ...stored, updatedAt: null } }),
    put: async (
      _tenant: string,
      _recipient: string,
      preferences: StoredPreferences,
    ): Promise<UpstreamAnswer> => {
      puts.push(preferences);
      return { status: 200, body: { ...preferences, updatedAt: '2026-12-01T10:00:05.000Z' } };
    },
  };
}

const token = (purpose: 'preferences' | 'unsubscribe' = 'preferences') =>
  signLink({ tenantId: 'acme', recipientId: 'user-1', category: 'marketing', purpose }, keyring, issuedAt);

describe('preference page use cases', () => {
  it('shows the preferences of the link’s recipient while the link is current', async () => {
    const show = new ShowPreferencePage(keyring, routerPreferences(), () => issuedAt);

    expect(await show.execute(token())).toEqual({
      outcome: 'page',
      subject: { tenantId: 'acme', recipientId: 'user-1', category: 'marketing' },
      preferences: stored,
    });
  });

  it('treats an expired link, an unsubscribe link and an unknown recipient as not found', async () => {
    const later = () => new Date(issuedAt.getTime() + 30 * 24 * 3600 * 1000);

    expect(await new ShowPreferencePage(keyring, routerPreferences(), later).execute(token())).toEqual({
      outcome: 'not-found',
    });
    expect(await new ShowPreferencePage(keyring, routerPreferences()).execute(token('unsubscribe'))).toEqual({
      outcome: 'not-found',
    });
    expect(
      await new ShowPreferencePage(keyring, routerPreferences(404), () => issuedAt).execute(token()),
    ).toEqual({
      outcome: 'not-found',
    });
  });

  it('saves a valid form and answers with what the router stored', async () => {
    const router = routerPreferences();
    const save = new SavePreferencePage(keyring, router, () => issuedAt);

    const result = await save.execute(token(), { optedOut: 'on' });

    expect(result).toMatchObject({ outcome: 'saved', preferences: { optedOut: true } });
    expect(router.puts).toEqual([{ ...stored, optedOut: true }]);
  });

  it('saves nothing from a form our page would not send', async () => {
    const router = routerPreferences();
    const save = new SavePreferencePage(keyring, router, () => issuedAt);

    const result = await save.execute(token(), { category: '../admin' });

    expect(result).toMatchObject({ outcome: 'invalid', preferences: stored });
    expect(router.puts).toEqual([]);
  });
});
