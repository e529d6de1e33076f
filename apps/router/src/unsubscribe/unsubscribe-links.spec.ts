import { parseLinkKeyring, verifyLink } from '@switchboard/security';
import { UnsubscribeLinks } from './unsubscribe-links';

const keyring = parseLinkKeyring(`k1:${'ab'.repeat(32)}`);
const now = new Date('2026-12-01T08:00:00Z');

function tokenOf(url: string | undefined, prefix: string): string {
  expect(url?.startsWith(prefix)).toBe(true);
  return url?.slice(prefix.length) ?? '';
}

describe('UnsubscribeLinks', () => {
  const links = new UnsubscribeLinks('https://mail.example.com/', keyring, () => now);

  it('gives a recipient a one-click link and a preference page link, both signed for them', () => {
    const result = links.forEmail({
      tenantId: 'acme',
      recipientId: 'user-1',
      address: 'ada@example.com',
      category: 'marketing',
    });

    const unsubscribe = tokenOf(result?.url, 'https://mail.example.com/v1/unsubscribe/');
    const preferences = tokenOf(result?.preferencesUrl, 'https://mail.example.com/preferences/');
    expect(verifyLink(unsubscribe, 'unsubscribe', keyring, now)).toEqual({
      valid: true,
      link: {
        tenantId: 'acme',
        recipientId: 'user-1',
        category: 'marketing',
        purpose: 'unsubscribe',
        issuedAt: now,
      },
    });
    expect(verifyLink(preferences, 'preferences', keyring, now)).toMatchObject({
      valid: true,
      link: { tenantId: 'acme', recipientId: 'user-1', category: 'marketing', purpose: 'preferences' },
    });
  });

  it('gives an address-only email a one-click link for the address and no preference page', () => {
    const result = links.forEmail({ tenantId: 'acme', address: 'ada@example.com', category: 'marketing' });

    expect(result).not.toHaveProperty('preferencesUrl');
    const token = tokenOf(result?.url, 'https://mail.example.com/v1/unsubscribe/');
    expect(verifyLink(token, 'unsubscribe', keyring, now)).toMatchObject({
      valid: true,
      link: { tenantId: 'acme', address: 'ada@example.com', category: 'marketing' },
    });
  });

  it('gives no links when no signing keys are configured', () => {
    const disabled = new UnsubscribeLinks('https://mail.example.com', undefined);

    expect(disabled.enabled).toBe(false);
    expect(
      disabled.forEmail({ tenantId: 'acme', address: 'ada@example.com', category: 'marketing' }),
    ).toBeUndefined();
  });
});
