import type { ChannelName, FrequencyLimit } from '@switchboard/contracts';
import fc from 'fast-check';
import {
  checkFrequencyLimits,
  limitApplies,
  maxWindowSeconds,
  RecipientBudget,
  type RecentSend,
  type SendCandidate,
} from './frequency-limits';

const DAY = 24 * 3600;
const NOW = new Date('2026-06-01T12:00:00Z');
const TWO_MARKETING_A_DAY: FrequencyLimit = { category: 'marketing', limit: 2, windowSeconds: DAY };
const SIX_OF_ANY_KIND_A_DAY: FrequencyLimit = { limit: 6, windowSeconds: DAY };
const LIMITS = [TWO_MARKETING_A_DAY, SIX_OF_ANY_KIND_A_DAY];

function hoursAgo(hours: number): Date {
  return new Date(NOW.getTime() - hours * 3600_000);
}

function sent(hours: number, category: string, channel: ChannelName = 'email'): RecentSend {
  return { at: hoursAgo(hours), category, channel };
}

const marketingEmail: SendCandidate = { category: 'marketing', channel: 'email' };
const transactionalEmail: SendCandidate = { category: 'transactional', channel: 'email' };

describe('checkFrequencyLimits', () => {
  it('allows a message under every limit', () => {
    expect(checkFrequencyLimits(LIMITS, [sent(3, 'marketing')], marketingEmail, NOW)).toEqual({
      allowed: true,
    });
    expect(checkFrequencyLimits([], [sent(1, 'marketing')], marketingEmail, NOW)).toEqual({ allowed: true });
  });

  it('holds the third marketing message of a day until the oldest one is a day old', () => {
    const history = [sent(10, 'marketing'), sent(2, 'marketing')];
    expect(checkFrequencyLimits(LIMITS, history, marketingEmail, NOW)).toEqual({
      allowed: false,
      limit: TWO_MARKETING_A_DAY,
      nextAllowedAt: new Date('2026-06-02T02:00:00Z'),
    });
  });

  it('lets a message of another category through when only the marketing limit is reached', () => {
    const history = [sent(10, 'marketing'), sent(2, 'marketing')];
    expect(checkFrequencyLimits(LIMITS, history, transactionalEmail, NOW)).toEqual({ allowed: true });
  });

  it('holds every message once six of any kind were sent in a day', () => {
    const history = [
      sent(20, 'transactional'),
      sent(15, 'alert'),
      sent(9, 'marketing'),
      sent(5, 'transactional'),
      sent(3, 'transactional'),
      sent(1, 'transactional'),
    ];
    expect(checkFrequencyLimits(LIMITS, history, transactionalEmail, NOW)).toEqual({
      allowed: false,
      limit: SIX_OF_ANY_KIND_A_DAY,
      nextAllowedAt: new Date('2026-06-01T16:00:00Z'),
    });
  });

  it('waits for the limit that holds longest when several are reached', () => {
    // Marketing: 2 in the day, fits again when the one 4 hours old leaves (at +20 h). Any kind:
    // 6 in the day, fits again when the one 22 hours old leaves (at +2 h). The later one decides.
    const history = [
      sent(22, 'transactional'),
      sent(21, 'transactional'),
      sent(20, 'transactional'),
      sent(19, 'transactional'),
      sent(4, 'marketing'),
      sent(1, 'marketing'),
    ];
    expect(checkFrequencyLimits(LIMITS, history, marketingEmail, NOW)).toEqual({
      allowed: false,
      limit: TWO_MARKETING_A_DAY,
      nextAllowedAt: new Date('2026-06-02T08:00:00Z'),
    });
  });

  it('needs enough sends to leave the window, not just one, when the history is over the limit', () => {
    // Four marketing messages in the day (the limit was lowered since): two must leave.
    const history = [
      sent(23, 'marketing'),
      sent(20, 'marketing'),
      sent(10, 'marketing'),
      sent(5, 'marketing'),
    ];
    const verdict = checkFrequencyLimits([TWO_MARKETING_A_DAY], history, marketingEmail, NOW);
    expect(verdict).toMatchObject({ allowed: false, nextAllowedAt: new Date('2026-06-02T02:00:00Z') });
  });

  it('counts sends per channel under a channel limit, over every category', () => {
    const oneSmsAnHour: FrequencyLimit = { channel: 'sms', limit: 1, windowSeconds: 3600 };
    const history = [sent(0.5, 'transactional', 'sms')];
    expect(
      checkFrequencyLimits([oneSmsAnHour], history, { category: 'marketing', channel: 'sms' }, NOW),
    ).toEqual({
      allowed: false,
      limit: oneSmsAnHour,
      nextAllowedAt: new Date('2026-06-01T12:30:00Z'),
    });
    expect(checkFrequencyLimits([oneSmsAnHour], history, marketingEmail, NOW)).toEqual({ allowed: true });
  });

  it('counts only the category on the channel under a limit naming both', () => {
    const oneMarketingSmsADay: FrequencyLimit = {
      category: 'marketing',
      channel: 'sms',
      limit: 1,
      windowSeconds: DAY,
    };
    const history = [sent(1, 'marketing', 'email'), sent(1, 'transactional', 'sms')];
    expect(
      checkFrequencyLimits([oneMarketingSmsADay], history, { category: 'marketing', channel: 'sms' }, NOW),
    ).toEqual({ allowed: true });
    expect(
      checkFrequencyLimits(
        [oneMarketingSmsADay],
        [...history, sent(2, 'marketing', 'sms')],
        { category: 'marketing', channel: 'sms' },
        NOW,
      ),
    ).toMatchObject({ allowed: false, limit: oneMarketingSmsADay });
  });

  it('no longer counts a send exactly one window old, and still counts one a millisecond younger', () => {
    const onePerHour: FrequencyLimit = { limit: 1, windowSeconds: 3600 };
    const exactlyAnHourAgo = {
      at: new Date(NOW.getTime() - 3600_000),
      category: 'marketing',
      channel: 'email' as const,
    };
    expect(checkFrequencyLimits([onePerHour], [exactlyAnHourAgo], marketingEmail, NOW)).toEqual({
      allowed: true,
    });
    const justInside = { ...exactlyAnHourAgo, at: new Date(exactlyAnHourAgo.at.getTime() + 1) };
    expect(checkFrequencyLimits([onePerHour], [justInside], marketingEmail, NOW)).toEqual({
      allowed: false,
      limit: onePerHour,
      nextAllowedAt: new Date(NOW.getTime() + 1),
    });
  });

  it('reads the history in any order', () => {
    const history = [sent(2, 'marketing'), sent(10, 'marketing')];
    expect(checkFrequencyLimits(LIMITS, history, marketingEmail, NOW)).toMatchObject({
      nextAllowedAt: new Date('2026-06-02T02:00:00Z'),
    });
  });

  it('allows the candidate at nextAllowedAt and not a millisecond before, as a brute-force count says', () => {
    const channel = fc.constantFrom<ChannelName>('email', 'sms', 'push', 'inapp');
    const category = fc.constantFrom('marketing', 'transactional', 'alert');
    const limit = fc.record(
      {
        category,
        channel,
        limit: fc.integer({ min: 1, max: 5 }),
        windowSeconds: fc.constantFrom(60, 3600, DAY),
      },
      { requiredKeys: ['limit', 'windowSeconds'] },
    );
    const send = fc.record({
      at: fc.integer({ min: NOW.getTime() - 2 * DAY * 1000, max: NOW.getTime() }).map((ms) => new Date(ms)),
      category,
      channel,
    });
    const countsAt = (
      limits: FrequencyLimit[],
      history: RecentSend[],
      candidate: SendCandidate,
      at: number,
    ) =>
      limits
        .filter((each) => limitApplies(each, candidate))
        .every(
          (each) =>
            history.filter(
              (past) => limitApplies(each, past) && past.at.getTime() > at - each.windowSeconds * 1000,
            ).length < each.limit,
        );
    fc.assert(
      fc.property(
        fc.array(limit, { maxLength: 4 }),
        fc.array(send, { maxLength: 30 }),
        fc.record({ category, channel }),
        (limits, history, candidate) => {
          const verdict = checkFrequencyLimits(limits, history, candidate, NOW);
          expect(verdict.allowed).toBe(countsAt(limits, history, candidate, NOW.getTime()));
          if (verdict.allowed) return;
          const next = verdict.nextAllowedAt.getTime();
          expect(next).toBeGreaterThan(NOW.getTime());
          expect(countsAt(limits, history, candidate, next)).toBe(true);
          expect(countsAt(limits, history, candidate, next - 1)).toBe(false);
          expect(checkFrequencyLimits(limits, history, candidate, verdict.nextAllowedAt)).toEqual({
            allowed: true,
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('RecipientBudget', () => {
  it('allows exactly as many candidates of one batch as the limit leaves room for', () => {
    const fivePerDay: FrequencyLimit = { limit: 5, windowSeconds: DAY };
    const budget = new RecipientBudget([fivePerDay], [sent(3, 'marketing')]);
    const verdicts = Array.from({ length: 20 }, () => budget.tryConsume(marketingEmail, NOW));
    expect(verdicts.filter((verdict) => verdict.allowed)).toHaveLength(4);
    expect(verdicts.slice(0, 4).every((verdict) => verdict.allowed)).toBe(true);
    // The sends allowed now leave the window a day from now; the one from 3 hours ago first.
    expect(verdicts[4]).toEqual({
      allowed: false,
      limit: fivePerDay,
      nextAllowedAt: new Date('2026-06-02T09:00:00Z'),
    });
  });

  it('counts an allowed candidate under every limit that applies to it, and only those', () => {
    const budget = new RecipientBudget(LIMITS, []);
    expect(budget.tryConsume(marketingEmail, NOW).allowed).toBe(true);
    expect(budget.tryConsume(marketingEmail, NOW).allowed).toBe(true);
    expect(budget.tryConsume(marketingEmail, NOW)).toMatchObject({
      allowed: false,
      limit: TWO_MARKETING_A_DAY,
    });
    // Four more of any kind fit under the six a day; the seventh does not.
    for (let index = 0; index < 4; index += 1) {
      expect(budget.tryConsume(transactionalEmail, NOW).allowed).toBe(true);
    }
    expect(budget.tryConsume(transactionalEmail, NOW)).toMatchObject({
      allowed: false,
      limit: SIX_OF_ANY_KIND_A_DAY,
    });
  });

  it('lets candidates later in the batch through once earlier sends have left the window', () => {
    const twoPerMinute: FrequencyLimit = { limit: 2, windowSeconds: 60 };
    const budget = new RecipientBudget([twoPerMinute], []);
    const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
    expect(budget.tryConsume(marketingEmail, at(0)).allowed).toBe(true);
    expect(budget.tryConsume(marketingEmail, at(30)).allowed).toBe(true);
    expect(budget.tryConsume(marketingEmail, at(59))).toEqual({
      allowed: false,
      limit: twoPerMinute,
      nextAllowedAt: at(60),
    });
    expect(budget.tryConsume(marketingEmail, at(60)).allowed).toBe(true);
    expect(budget.tryConsume(marketingEmail, at(61))).toMatchObject({
      allowed: false,
      nextAllowedAt: at(90),
    });
  });

  it('does not count a candidate it only checks or refuses', () => {
    const budget = new RecipientBudget([{ limit: 1, windowSeconds: 3600 }], []);
    expect(budget.check(marketingEmail, NOW).allowed).toBe(true);
    expect(budget.check(marketingEmail, NOW).allowed).toBe(true);
    expect(budget.tryConsume(marketingEmail, NOW).allowed).toBe(true);
    expect(budget.tryConsume(marketingEmail, NOW).allowed).toBe(false);
  });

  it('counts sends recorded from elsewhere', () => {
    const budget = new RecipientBudget([{ channel: 'sms', limit: 1, windowSeconds: 3600 }], []);
    budget.record({ at: hoursAgo(0.5), category: 'alert', channel: 'email' });
    expect(budget.check({ category: 'alert', channel: 'sms' }, NOW).allowed).toBe(true);
    budget.record({ at: hoursAgo(0.5), category: 'alert', channel: 'sms' });
    expect(budget.check({ category: 'alert', channel: 'sms' }, NOW)).toMatchObject({
      allowed: false,
      nextAllowedAt: new Date('2026-06-01T12:30:00Z'),
    });
  });
});

describe('RecipientBudget, several sends at once', () => {
  const threeADay: FrequencyLimit = { limit: 3, windowSeconds: DAY };
  const oneSmsADay: FrequencyLimit = { channel: 'sms', limit: 1, windowSeconds: DAY };
  const onEmailAndSms: SendCandidate[] = [
    { category: 'alert', channel: 'email' },
    { category: 'alert', channel: 'sms' },
  ];

  it('needs room under a limit for every send it applies to', () => {
    const budget = new RecipientBudget([threeADay], [sent(20, 'alert'), sent(2, 'alert')]);
    // One more fits, two do not: the one sent 20 hours ago must leave first.
    expect(budget.check(onEmailAndSms[0], NOW).allowed).toBe(true);
    expect(budget.checkTogether(onEmailAndSms, NOW)).toEqual({
      allowed: false,
      limit: threeADay,
      nextAllowedAt: new Date('2026-06-01T16:00:00Z'),
    });
  });

  it('counts under a channel limit only the send on that channel', () => {
    const budget = new RecipientBudget([oneSmsADay], [sent(2, 'alert', 'email')]);
    expect(budget.checkTogether(onEmailAndSms, NOW)).toEqual({ allowed: true });
  });

  it('says the sends never fit together when a limit is smaller than their number', () => {
    const twoAnHour: FrequencyLimit = { limit: 2, windowSeconds: 3600 };
    const budget = new RecipientBudget([twoAnHour], []);
    const onThreeChannels: SendCandidate[] = [...onEmailAndSms, { category: 'alert', channel: 'push' }];
    expect(budget.checkTogether(onThreeChannels, NOW)).toEqual({
      allowed: false,
      limit: twoAnHour,
      nextAllowedAt: null,
    });
  });

  it('counts all the sends when they fit, and none when they do not', () => {
    const budget = new RecipientBudget([threeADay], []);
    expect(budget.tryConsumeTogether(onEmailAndSms, NOW).allowed).toBe(true);
    expect(budget.tryConsumeTogether(onEmailAndSms, NOW).allowed).toBe(false);
    expect(budget.tryConsume(onEmailAndSms[0], NOW).allowed).toBe(true);
    expect(budget.tryConsume(onEmailAndSms[0], NOW).allowed).toBe(false);
  });

  it('agrees with a brute-force count, and fits exactly from nextAllowedAt on', () => {
    const channel = fc.constantFrom<ChannelName>('email', 'sms', 'push', 'inapp');
    const category = fc.constantFrom('marketing', 'alert');
    const limit = fc.record(
      { category, channel, limit: fc.integer({ min: 1, max: 4 }), windowSeconds: fc.constantFrom(60, 3600) },
      { requiredKeys: ['limit', 'windowSeconds'] },
    );
    const send = fc.record({
      at: fc.integer({ min: NOW.getTime() - 2 * 3600_000, max: NOW.getTime() }).map((ms) => new Date(ms)),
      category,
      channel,
    });
    const fitsAt = (
      limits: FrequencyLimit[],
      history: RecentSend[],
      candidates: SendCandidate[],
      at: number,
    ) =>
      limits.every((each) => {
        const wanted = candidates.filter((candidate) => limitApplies(each, candidate)).length;
        const inWindow = history.filter(
          (past) => limitApplies(each, past) && past.at.getTime() > at - each.windowSeconds * 1000,
        ).length;
        return wanted === 0 || inWindow + wanted <= each.limit;
      });
    fc.assert(
      fc.property(
        fc.array(limit, { maxLength: 4 }),
        fc.array(send, { maxLength: 20 }),
        fc.array(fc.record({ category, channel }), { minLength: 1, maxLength: 4 }),
        (limits, history, candidates) => {
          const verdict = new RecipientBudget(limits, history).checkTogether(candidates, NOW);
          expect(verdict.allowed).toBe(fitsAt(limits, history, candidates, NOW.getTime()));
          if (verdict.allowed) return;
          if (verdict.nextAllowedAt === null) {
            expect(fitsAt(limits, [], candidates, NOW.getTime())).toBe(false);
            return;
          }
          const next = verdict.nextAllowedAt.getTime();
          expect(fitsAt(limits, history, candidates, next)).toBe(true);
          expect(fitsAt(limits, history, candidates, next - 1)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('maxWindowSeconds', () => {
  it('is the longest window, or 0 without limits', () => {
    expect(maxWindowSeconds([])).toBe(0);
    expect(maxWindowSeconds([{ limit: 1, windowSeconds: 3600 }, ...LIMITS])).toBe(DAY);
  });
});
