import { appliesToCategory, type Suppression, SuppressionIndex } from './suppression';

function suppression(overrides: Partial<Suppression>): Suppression {
  return {
    id: '1',
    tenantId: 'acme',
    channel: 'sms',
    address: '+447700900123',
    reason: 'replied STOP',
    source: 'sms-reply',
    createdAt: new Date('2030-01-01T00:00:00.000Z'),
    ...overrides,
  };
}

describe('appliesToCategory', () => {
  it('lets a suppression of every category stop any message, one of a category only that category', () => {
    const everything = suppression({});
    const marketing = suppression({ category: 'marketing' });

    expect(appliesToCategory(everything, 'transactional')).toBe(true);
    expect(appliesToCategory(everything)).toBe(true);
    expect(appliesToCategory(marketing, 'marketing')).toBe(true);
    expect(appliesToCategory(marketing, 'transactional')).toBe(false);
    expect(appliesToCategory(marketing)).toBe(false);
  });
});

describe('SuppressionIndex', () => {
  const lookup = { tenantId: 'acme', channel: 'sms' as const, address: '+447700900123' };

  it('finds the suppression that stops a message of the category, whatever the address case', () => {
    const marketing = suppression({ id: '2', category: 'marketing', reason: 'no offers' });
    const index = new SuppressionIndex([marketing]);

    expect(index.find(lookup, 'marketing')).toBe(marketing);
    expect(index.find(lookup, 'transactional')).toBeUndefined();
    expect(index.find({ ...lookup, tenantId: 'globex' }, 'marketing')).toBeUndefined();
    expect(index.find({ ...lookup, channel: 'email' }, 'marketing')).toBeUndefined();
  });

  it('prefers the suppression of every category over that of the category', () => {
    const marketing = suppression({ id: '2', category: 'marketing' });
    const everything = suppression({ id: '3', address: '+447700900123' });

    expect(new SuppressionIndex([marketing, everything]).find(lookup, 'marketing')).toBe(everything);
  });
});
