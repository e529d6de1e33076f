import {
  BUILT_IN_MESSAGE_TYPE,
  BUILT_IN_MESSAGE_TYPE_KEY,
  type MessageTypeDefinition,
  RecipientPreferences,
  SendingSettings,
} from '@switchboard/contracts';
import { decideRoute, type RouteFacts, type Suppressed } from './decide-route';
import { BatchLedger } from './policy-ledger';

const now = new Date('2030-01-01T12:00:00.000Z');
const recipient = { email: 'ada@example.com' };
const hardBounce: Suppressed = (channel) => (channel === 'email' ? { reason: 'hard bounce' } : undefined);
const builtIn = { key: BUILT_IN_MESSAGE_TYPE_KEY, definition: BUILT_IN_MESSAGE_TYPE, builtIn: true };
const marketing: MessageTypeDefinition = {
  ...BUILT_IN_MESSAGE_TYPE,
  category: 'marketing',
  quietHours: 'respect',
  frequencyLimits: 'apply',
};

function facts(overrides: Partial<RouteFacts> & Pick<RouteFacts, 'message'>): RouteFacts {
  return { type: builtIn, settings: SendingSettings.parse({}), now, ...overrides };
}

function preferences(value: unknown): RecipientPreferences {
  return RecipientPreferences.parse(value);
}

describe('decideRoute', () => {
  it('writes an internationalised domain in ASCII for the provider', () => {
    expect(decideRoute(facts({ message: { recipient: { email: 'ada@Bücher.example' } } }))).toMatchObject({
      decision: 'routed',
      targets: [{ channel: 'email', address: 'ada@xn--bcher-kva.example' }],
    });
  });

  it('routes a message to email at the recipient address when nothing stands in the way', () => {
    expect(decideRoute(facts({ message: { recipient } }))).toEqual({
      decision: 'routed',
      targets: [{ channel: 'email', address: 'ada@example.com' }],
      orderedByPreference: false,
    });
  });

  it('skips a message to an invalid address, naming the problem and the rule', () => {
    expect(decideRoute(facts({ message: { recipient: { email: 'ada@nowhere.invalid' } } }))).toEqual({
      decision: 'skipped',
      rule: 'invalid-address',
      channel: 'email',
      address: 'ada@nowhere.invalid',
      reason: 'invalid address: the address is in the reserved .invalid domain, which never receives mail',
    });
  });

  it('skips a message to a suppressed address with the suppression reason', () => {
    expect(decideRoute(facts({ message: { recipient }, suppressed: hardBounce }))).toMatchObject({
      decision: 'skipped',
      rule: 'suppressed',
      reason: 'suppressed: hard bounce',
    });
  });

  it("holds a category's suppression only for messages of that category", () => {
    const unsubscribedFromMarketing: Suppressed = (_channel, _address, category) =>
      category === 'marketing' ? { reason: 'unsubscribed' } : undefined;

    expect(
      decideRoute(
        facts({
          message: { recipient },
          type: { key: 'promo', definition: marketing, builtIn: false },
          suppressed: unsubscribedFromMarketing,
        }),
      ),
    ).toMatchObject({ decision: 'skipped', rule: 'suppressed' });
    expect(
      decideRoute(facts({ message: { recipient }, suppressed: unsubscribedFromMarketing })).decision,
    ).toBe('routed');
  });

  it('defers a message scheduled for later until its send time, and not once released', () => {
    expect(decideRoute(facts({ message: { recipient, sendAt: '2030-01-01T12:30:00.000Z' } }))).toEqual({
      decision: 'deferred',
      rule: 'scheduled',
      targets: [{ channel: 'email', address: 'ada@example.com' }],
      reason: 'scheduled for 2030-01-01T12:30:00.000Z',
      dueAt: new Date('2030-01-01T12:30:00.000Z'),
    });
    expect(
      decideRoute(facts({ message: { recipient, sendAt: '2030-01-01T12:30:00.000Z' }, released: true }))
        .decision,
    ).toBe('routed');
  });

  it('routes a message whose send time has come or passed', () => {
    expect(decideRoute(facts({ message: { recipient, sendAt: now.toISOString() } })).decision).toBe('routed');
  });

  it('uses the stored contact points of a recipient known by id, in the default channel order', () => {
    const stored = { email: 'ada@example.com', phone: '+14155550123', pushSubscriptions: [] };

    expect(decideRoute(facts({ message: { recipient: { id: 'user-42' } }, stored }))).toMatchObject({
      decision: 'routed',
      targets: [
        { channel: 'email', address: 'ada@example.com' },
        { channel: 'inapp', address: 'user-42' },
        { channel: 'sms', address: '+14155550123' },
      ],
    });
  });

  it("orders the type's channels by the recipient's preferred order when the message names none", () => {
    const stored = { email: 'ada@example.com', phone: '+14155550123', pushSubscriptions: [] };

    const route = decideRoute(
      facts({
        message: { recipient: { id: 'user-42' } },
        stored,
        type: {
          key: 'notice',
          builtIn: false,
          definition: { ...BUILT_IN_MESSAGE_TYPE, defaultChannels: ['email', 'sms'] },
        },
        preferences: preferences({ channelOrder: ['sms'] }),
      }),
    );

    expect(route).toEqual({
      decision: 'routed',
      targets: [
        { channel: 'sms', address: '+14155550123' },
        { channel: 'email', address: 'ada@example.com' },
      ],
      orderedByPreference: true,
    });
  });

  it('keeps the order of the channels the message asks for and drops the unavailable ones', () => {
    const route = decideRoute(
      facts({
        message: { recipient: { id: 'user-42', phone: '+14155550123' }, channels: ['push', 'sms', 'email'] },
      }),
    );

    expect(route).toMatchObject({
      decision: 'routed',
      targets: [{ channel: 'sms', address: '+14155550123' }],
    });
  });

  it('skips SMS to a fixed line, saying so', () => {
    expect(decideRoute(facts({ message: { recipient: { phone: '+493012345678' } } }))).toMatchObject({
      decision: 'skipped',
      rule: 'invalid-address',
      reason: expect.stringContaining('cannot receive SMS'),
    });
  });

  it('names every unavailable channel when none is left', () => {
    expect(
      decideRoute(facts({ message: { recipient, channels: ['email', 'inapp'] }, suppressed: hardBounce })),
    ).toEqual({
      decision: 'skipped',
      rule: 'suppressed',
      reason: 'email: suppressed: hard bounce; inapp: no recipient id',
    });
  });

  describe('opt-outs', () => {
    const stored = { email: 'ada@example.com', phone: '+14155550123', pushSubscriptions: [] };
    const promo = { key: 'promo', definition: marketing, builtIn: false };

    it('skips a message whose every channel the recipient opted out of, with the reason', () => {
      const route = decideRoute(
        facts({
          message: { recipient: { id: 'user-42', email: 'ada@example.com' }, channels: ['email'] },
          type: promo,
          preferences: preferences({ categories: { marketing: { enabled: false } } }),
        }),
      );

      expect(route).toMatchObject({ decision: 'skipped', rule: 'opted-out', channel: 'email' });
    });

    it('drops only the channel opted out of within the category and sends on the next', () => {
      const route = decideRoute(
        facts({
          message: { recipient: { id: 'user-42' } },
          stored,
          type: {
            key: 'promo',
            builtIn: false,
            definition: { ...marketing, defaultChannels: ['email', 'sms'] },
          },
          preferences: preferences({ categories: { marketing: { channels: { email: false } } } }),
        }),
      );

      expect(route).toMatchObject({ decision: 'routed', targets: [{ channel: 'sms' }] });
    });

    it('ignores opt-outs for a type that may not be opted out of', () => {
      const securityCode = {
        key: 'security-code',
        builtIn: false,
        definition: { ...BUILT_IN_MESSAGE_TYPE, optOutAllowed: false },
      };

      const route = decideRoute(
        facts({ message: { recipient }, type: securityCode, preferences: preferences({ optedOut: true }) }),
      );

      expect(route.decision).toBe('routed');
    });

    it('a global opt-out holds for every opt-outable category', () => {
      expect(
        decideRoute(facts({ message: { recipient }, preferences: preferences({ optedOut: true }) })),
      ).toMatchObject({ decision: 'skipped', rule: 'opted-out' });
    });
  });

  it('skips a message of a type nobody defined', () => {
    expect(decideRoute(facts({ message: { recipient }, type: { unknown: 'nope' } }))).toEqual({
      decision: 'skipped',
      rule: 'unknown-message-type',
      reason: 'unknown message type "nope"',
    });
  });

  it('cancels a message the tenant cancelled before anything else', () => {
    expect(
      decideRoute(facts({ message: { recipient }, cancelled: true, suppressed: hardBounce })),
    ).toMatchObject({
      decision: 'cancelled',
      rule: 'cancelled',
    });
  });

  describe('quiet hours', () => {
    const promo = { key: 'promo', definition: marketing, builtIn: false };
    const settings = SendingSettings.parse({
      quietHours: { start: '22:00', end: '07:00' },
      timeZone: 'Europe/Berlin',
    });
    // 23:30 in Berlin.
    const lateEvening = new Date('2030-01-01T22:30:00.000Z');

    it("defers a message inside the tenant's window, in the tenant's zone, to the window's end", () => {
      expect(
        decideRoute(facts({ message: { recipient }, type: promo, settings, now: lateEvening })),
      ).toMatchObject({
        decision: 'deferred',
        rule: 'quiet-hours',
        dueAt: new Date('2030-01-02T06:00:00.000Z'),
      });
    });

    it("reads the window on the recipient's own clock when they have a zone", () => {
      const stored = {
        email: 'ada@example.com',
        phone: null,
        pushSubscriptions: [],
        timeZone: 'America/New_York',
      };

      // 17:30 in New York: outside the window.
      expect(
        decideRoute(
          facts({
            message: { recipient: { id: 'user-42' } },
            stored,
            type: promo,
            settings,
            now: lateEvening,
          }),
        ).decision,
      ).toBe('routed');
    });

    it("follows the recipient's own window or none, and lets bypassing types through", () => {
      expect(
        decideRoute(
          facts({
            message: { recipient },
            type: promo,
            settings,
            now: lateEvening,
            preferences: preferences({ quietHours: 'off' }),
          }),
        ).decision,
      ).toBe('routed');
      const alert = {
        key: 'outage',
        builtIn: false,
        definition: { ...marketing, category: 'alert', quietHours: 'bypass' as const },
      };
      expect(
        decideRoute(facts({ message: { recipient }, type: alert, settings, now: lateEvening })).decision,
      ).toBe('routed');
    });
  });

  describe('frequency limits and duplicates', () => {
    const settings = SendingSettings.parse({
      frequencyLimits: [{ category: 'marketing', limit: 2, windowSeconds: 86_400 }],
    });
    const promo = { key: 'promo', definition: marketing, builtIn: false };

    function decideInOrder(count: number, type = promo) {
      const ledger = new BatchLedger({ sends: [], claims: [] });
      return Array.from({ length: count }, (_, index) =>
        decideRoute(
          facts({
            message: { recipient },
            type,
            settings,
            ledger: ledger.forMessage('acme', 'ada@example.com', `message-${index}`, now),
            fingerprint: 'same content',
          }),
        ),
      );
    }

    it('routes up to the limit and defers the rest until the budget allows', () => {
      const [first, second, third] = decideInOrder(3);

      expect([first.decision, second.decision]).toEqual(['routed', 'routed']);
      expect(third).toMatchObject({
        decision: 'deferred',
        rule: 'frequency-limit',
        dueAt: new Date(now.getTime() + 86_400_000),
      });
    });

    it('drops what is over the limit for a type that says so', () => {
      const [, , third] = decideInOrder(3, {
        key: 'promo',
        builtIn: false,
        definition: { ...marketing, overLimit: 'drop' },
      });

      expect(third).toMatchObject({ decision: 'skipped', rule: 'frequency-limit' });
    });

    it('skips the same content within the dedup window as a duplicate of the first', () => {
      const [first, second] = decideInOrder(2, {
        key: 'promo',
        builtIn: false,
        definition: { ...marketing, dedupWindowSeconds: 600 },
      });

      expect(first.decision).toBe('routed');
      expect(second).toMatchObject({
        decision: 'skipped',
        rule: 'duplicate',
        reason: 'duplicate of message message-0 within 600s',
      });
    });
  });
});
