import { parseLinkKeyring, signLink } from '@switchboard/security';
import type { UpstreamAnswer } from '../internal-services/internal-service-client';
import { UnsubscribeByLink } from './unsubscribe-by-link.usecase';

const keyring = parseLinkKeyring(`k1:${'cd'.repeat(32)}`);
const now = new Date('2026-12-01T10:00:00Z');

function fakes(status = 200) {
  const calls: unknown[][] = [];
  const answer = async (...args: unknown[]): Promise<UpstreamAnswer> => {
    calls.push(args);
    return { status, body: {} };
  };
  return { calls, preferences: { optOut: answer }, suppressions: { create: answer } };
}

describe('UnsubscribeByLink', () => {
  it('opts the recipient of the link out of its category and offers a fresh preference page token', async () => {
    const { calls, preferences, suppressions } = fakes();
    const usecase = new UnsubscribeByLink(keyring, preferences, suppressions, () => now);
    const token = signLink(
      { tenantId: 'acme', recipientId: 'user-1', category: 'marketing', purpose: 'unsubscribe' },
      keyring,
      new Date('2025-01-01T00:00:00Z'),
    );

    const result = await usecase.execute(token);

    expect(calls).toEqual([['acme', 'user-1', 'marketing']]);
    expect(result).toMatchObject({
      outcome: 'unsubscribed',
      link: { recipientId: 'user-1', category: 'marketing' },
    });
    expect(result.outcome === 'unsubscribed' && result.preferencesToken).toMatch(/^[\w-]+\.[\w-]+$/);
  });

  it('suppresses the address of an address-only link for email in the category', async () => {
    const { calls, preferences, suppressions } = fakes(201);
    const usecase = new UnsubscribeByLink(keyring, preferences, suppressions, () => now);
    const token = signLink(
      { tenantId: 'acme', address: 'ada@example.com', category: 'marketing', purpose: 'unsubscribe' },
      keyring,
    );

    const result = await usecase.execute(token);

    expect(calls).toEqual([
      [
        'acme',
        {
          channel: 'email',
          address: 'ada@example.com',
          reason: 'unsubscribed with the link in an email',
          category: 'marketing',
          source: 'unsubscribe',
        },
      ],
    ]);
    expect(result).toMatchObject({ outcome: 'unsubscribed' });
    expect(result).not.toHaveProperty('preferencesToken');
  });

  it('does nothing for a forged token, or for any token when no keys are configured', async () => {
    const { calls, preferences, suppressions } = fakes();
    const token = signLink(
      { tenantId: 'acme', recipientId: 'user-1', category: 'marketing', purpose: 'unsubscribe' },
      parseLinkKeyring(`k1:${'ef'.repeat(32)}`),
    );

    expect(await new UnsubscribeByLink(keyring, preferences, suppressions).execute(token)).toEqual({
      outcome: 'not-found',
    });
    expect(await new UnsubscribeByLink(undefined, preferences, suppressions).execute(token)).toEqual({
      outcome: 'not-found',
    });
    expect(calls).toEqual([]);
  });

  it('answers not found when the router does not know the recipient', async () => {
    const { preferences, suppressions } = fakes(404);
    const token = signLink(
      { tenantId: 'acme', recipientId: 'gone', category: 'marketing', purpose: 'unsubscribe' },
      keyring,
    );

    expect(await new UnsubscribeByLink(keyring, preferences, suppressions).execute(token)).toEqual({
      outcome: 'not-found',
    });
  });
});
