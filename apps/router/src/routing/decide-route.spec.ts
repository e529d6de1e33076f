import { decideRoute, type Suppressed } from './decide-route';

const now = new Date('2030-01-01T12:00:00.000Z');
const recipient = { email: 'ada@example.com' };
const hardBounce: Suppressed = (channel) => (channel === 'email' ? { reason: 'hard bounce' } : undefined);

describe('decideRoute', () => {
  it('routes a message to email at the recipient address when nothing stands in the way', () => {
    expect(decideRoute({ message: { recipient }, now })).toEqual({
      decision: 'routed',
      targets: [{ channel: 'email', address: 'ada@example.com' }],
    });
  });

  it('skips a message to an invalid address, naming the problem', () => {
    expect(decideRoute({ message: { recipient: { email: 'ada@nowhere.invalid' } }, now })).toEqual({
      decision: 'skipped',
      channel: 'email',
      address: 'ada@nowhere.invalid',
      reason: 'invalid address: the .invalid domain never receives mail',
    });
  });

  it('skips a message to a suppressed address with the suppression reason', () => {
    expect(decideRoute({ message: { recipient }, suppressed: hardBounce, now })).toMatchObject({
      decision: 'skipped',
      reason: 'suppressed: hard bounce',
    });
  });

  it('defers a message scheduled for later until its send time', () => {
    expect(decideRoute({ message: { recipient, sendAt: '2030-01-01T13:00:00+01:00' }, now })).toMatchObject({
      decision: 'routed',
    });
    expect(decideRoute({ message: { recipient, sendAt: '2030-01-01T12:30:00.000Z' }, now })).toEqual({
      decision: 'deferred',
      targets: [{ channel: 'email', address: 'ada@example.com' }],
      reason: 'scheduled for 2030-01-01T12:30:00.000Z',
      dueAt: new Date('2030-01-01T12:30:00.000Z'),
    });
  });

  it('routes a message whose send time has come or passed', () => {
    expect(decideRoute({ message: { recipient, sendAt: now.toISOString() }, now }).decision).toBe('routed');
    expect(decideRoute({ message: { recipient, sendAt: '2029-12-31T00:00:00Z' }, now }).decision).toBe(
      'routed',
    );
  });

  it('checks the address before the suppression list, and both before the schedule', () => {
    const sendAt = '2030-01-02T00:00:00.000Z';

    expect(
      decideRoute({
        message: { recipient: { email: 'ada@nowhere.invalid' }, sendAt },
        suppressed: hardBounce,
        now,
      }),
    ).toMatchObject({ decision: 'skipped', reason: expect.stringMatching(/^invalid address/) });
    expect(decideRoute({ message: { recipient, sendAt }, suppressed: hardBounce, now })).toMatchObject({
      decision: 'skipped',
      reason: 'suppressed: hard bounce',
    });
  });

  it('uses the stored contact points of a recipient known by id, in the default channel order', () => {
    const stored = { email: 'ada@example.com', phone: '+14155550123', pushSubscriptions: [] };

    const route = decideRoute({ message: { recipient: { id: 'user-42' } }, stored, now });

    expect(route).toEqual({
      decision: 'routed',
      targets: [
        { channel: 'email', address: 'ada@example.com' },
        { channel: 'inapp', address: 'user-42' },
        { channel: 'sms', address: '+14155550123' },
      ],
    });
  });

  it('keeps the order of the channels the message asks for and drops the unavailable ones', () => {
    const route = decideRoute({
      message: { recipient: { id: 'user-42', phone: '+14155550123' }, channels: ['push', 'sms', 'email'] },
      now,
    });

    expect(route).toEqual({ decision: 'routed', targets: [{ channel: 'sms', address: '+14155550123' }] });
  });

  it('names every unavailable channel when none is left', () => {
    expect(
      decideRoute({ message: { recipient, channels: ['email', 'inapp'] }, suppressed: hardBounce, now }),
    ).toEqual({ decision: 'skipped', reason: 'email: suppressed: hard bounce; inapp: no recipient id' });
  });
});
