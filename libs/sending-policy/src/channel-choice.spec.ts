import { type ChannelName, RecipientPreferences } from '@switchboard/contracts';
import fc from 'fast-check';
import { optOut, orderChannels } from './channel-choice';

const PLATFORM_ORDER: readonly ChannelName[] = ['email', 'push', 'inapp', 'sms'];

describe('orderChannels', () => {
  it('keeps the channels a message names exactly as given, whatever the recipient prefers', () => {
    expect(
      orderChannels({
        explicit: ['sms', 'email'],
        typeDefaults: ['email', 'push'],
        preferredOrder: ['push', 'email', 'sms'],
        fallbackOrder: PLATFORM_ORDER,
      }),
    ).toEqual(['sms', 'email']);
  });

  it("uses the type's defaults in their order when the recipient prefers nothing", () => {
    expect(orderChannels({ typeDefaults: ['sms', 'email'], fallbackOrder: PLATFORM_ORDER })).toEqual([
      'sms',
      'email',
    ]);
    expect(
      orderChannels({ typeDefaults: ['sms', 'email'], preferredOrder: null, fallbackOrder: PLATFORM_ORDER }),
    ).toEqual(['sms', 'email']);
  });

  it('uses the platform order when the type names no channels', () => {
    expect(orderChannels({ typeDefaults: null, fallbackOrder: PLATFORM_ORDER })).toEqual(PLATFORM_ORDER);
    expect(orderChannels({ fallbackOrder: PLATFORM_ORDER })).toEqual(PLATFORM_ORDER);
  });

  it("puts the recipient's preferred channels first in their order, the rest after in the type's order", () => {
    expect(
      orderChannels({
        typeDefaults: ['email', 'push', 'inapp', 'sms'],
        preferredOrder: ['sms', 'inapp'],
        fallbackOrder: PLATFORM_ORDER,
      }),
    ).toEqual(['sms', 'inapp', 'email', 'push']);
    expect(orderChannels({ preferredOrder: ['push'], fallbackOrder: PLATFORM_ORDER })).toEqual([
      'push',
      'email',
      'inapp',
      'sms',
    ]);
  });

  it('does not add a preferred channel the type does not use', () => {
    expect(
      orderChannels({
        typeDefaults: ['email', 'inapp'],
        preferredOrder: ['sms', 'inapp'],
        fallbackOrder: PLATFORM_ORDER,
      }),
    ).toEqual(['inapp', 'email']);
  });

  it('returns a re-ordering of the base channels, with each preferred one before each other one', () => {
    const channels = fc.uniqueArray(fc.constantFrom<ChannelName>('email', 'sms', 'push', 'inapp'), {
      minLength: 1,
    });
    fc.assert(
      fc.property(channels, channels, (typeDefaults, preferredOrder) => {
        const ordered = orderChannels({ typeDefaults, preferredOrder, fallbackOrder: PLATFORM_ORDER });
        expect([...ordered].sort()).toEqual([...typeDefaults].sort());
        const preferredUsed = preferredOrder.filter((channel) => typeDefaults.includes(channel));
        expect(ordered.slice(0, preferredUsed.length)).toEqual(preferredUsed);
        expect(ordered.slice(preferredUsed.length)).toEqual(
          typeDefaults.filter((channel) => !preferredOrder.includes(channel)),
        );
      }),
    );
  });
});

describe('optOut', () => {
  const preferences = (body: unknown) => RecipientPreferences.parse(body);

  it('finds nothing for a recipient without preferences or with the defaults', () => {
    expect(optOut(undefined, 'marketing', 'email')).toBeUndefined();
    expect(optOut(preferences({}), 'marketing', 'email')).toBeUndefined();
  });

  it('reports a global opt-out for every category and channel', () => {
    expect(optOut(preferences({ optedOut: true }), 'alert', 'sms')).toEqual({
      scope: 'global',
      reason: 'opted out of every message',
    });
  });

  it('reports a disabled category on every channel, and only for that category', () => {
    const disabled = preferences({ categories: { marketing: { enabled: false } } });
    expect(optOut(disabled, 'marketing', 'push')).toEqual({
      scope: 'category',
      reason: 'opted out of marketing',
    });
    expect(optOut(disabled, 'alert', 'push')).toBeUndefined();
  });

  it('reports a channel turned off within a category, and only on that channel', () => {
    const noMarketingEmail = preferences({
      categories: { marketing: { channels: { email: false, sms: true } } },
    });
    expect(optOut(noMarketingEmail, 'marketing', 'email')).toEqual({
      scope: 'channel',
      reason: 'opted out of marketing by email',
    });
    expect(optOut(noMarketingEmail, 'marketing', 'sms')).toBeUndefined();
    expect(optOut(noMarketingEmail, 'marketing', 'push')).toBeUndefined();
    expect(optOut(noMarketingEmail, 'transactional', 'email')).toBeUndefined();
  });

  it('lets a disabled category win over channels left on within it', () => {
    const disabled = preferences({
      categories: { marketing: { enabled: false, channels: { email: true } } },
    });
    expect(optOut(disabled, 'marketing', 'email')).toMatchObject({ scope: 'category' });
  });

  it('reads only the categories the recipient set, not names every object has', () => {
    expect(optOut(preferences({}), 'constructor', 'email')).toBeUndefined();
  });
});
