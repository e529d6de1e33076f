import { RetryPolicy, type ProviderFailure } from '@switchboard/delivery';
import type { ChannelProvider } from './channel-provider';
import { decideAfterFailure, failedCallOf, mayHaveBeenSent, type FailureRules } from './failure-decision';

const RETRY_TOPICS = [
  { delayMs: 1000, topic: 'sb.retry.test.1s.v1' },
  { delayMs: 10_000, topic: 'sb.retry.test.10s.v1' },
];
const unavailable: ProviderFailure = { kind: 'transient', code: 'ServiceUnavailable', reason: 'down' };
const rejected: ProviderFailure = { kind: 'permanent', code: 'InvalidParameter', reason: 'bad number' };
const now = new Date('2026-03-01T10:00:00Z');

function rules(overrides: Partial<FailureRules> = {}): FailureRules {
  return {
    channel: 'sms',
    retryPolicy: new RetryPolicy({ maxAttempts: 3, baseDelayMs: 2000, maxDelayMs: 20_000 }),
    retryTopics: RETRY_TOPICS,
    random: () => 0.99,
    channelOutageEndsAt: () => undefined,
    ...overrides,
  };
}

function providerClassifyingAs(
  failure: ProviderFailure,
  mayHaveBeenSentAnswer?: boolean,
): ChannelProvider<unknown> {
  return {
    name: 'sns',
    send: async () => ({ providerMessageId: 'never' }),
    classify: () => failure,
    ...(mayHaveBeenSentAnswer === undefined ? {} : { mayHaveBeenSent: () => mayHaveBeenSentAnswer }),
  };
}

describe('failedCallOf', () => {
  it('takes a call that ran out of time as a transient failure whose outcome is unknown', () => {
    const call = failedCallOf(providerClassifyingAs(rejected), new Error('aborted'), {
      timedOut: true,
      sendTimeoutMs: 5000,
    });
    expect(call).toEqual({
      failure: { kind: 'transient', code: 'TimeoutError', reason: 'no answer within 5000 ms' },
      outcomeUnknown: true,
    });
  });

  it('knows the outcome of a permanent refusal: the provider answered', () => {
    const call = failedCallOf(providerClassifyingAs(rejected, true), new Error('400'), {
      timedOut: false,
      sendTimeoutMs: 5000,
    });
    expect(call).toEqual({ failure: rejected, outcomeUnknown: false });
  });

  it("asks the provider whether a transient failure may have sent the message, else goes by the error's code", () => {
    const options = { timedOut: false, sendTimeoutMs: 5000 };
    expect(failedCallOf(providerClassifyingAs(unavailable, true), new Error(), options).outcomeUnknown).toBe(
      true,
    );
    expect(failedCallOf(providerClassifyingAs(unavailable), new Error(), options).outcomeUnknown).toBe(false);
    const reset: ProviderFailure = { kind: 'transient', code: 'ECONNRESET', reason: 'socket hang up' };
    expect(failedCallOf(providerClassifyingAs(reset), new Error(), options).outcomeUnknown).toBe(true);
    expect(mayHaveBeenSent(reset)).toBe(true);
    expect(mayHaveBeenSent(unavailable)).toBe(false);
  });
});

describe('decideAfterFailure', () => {
  it('fails a permanently refused delivery without asking about the channel', () => {
    const channelOutageEndsAt = jest.fn(() => new Date(now.getTime() + 1000));
    const decision = decideAfterFailure(
      { failure: rejected, attempt: 1, firstAttemptAt: now, now },
      rules({ channelOutageEndsAt }),
    );
    expect(decision).toEqual({ action: 'fail' });
    expect(channelOutageEndsAt).not.toHaveBeenCalled();
  });

  it('retries a transient failure on the tier that fits its delay, as the next attempt', () => {
    const decision = decideAfterFailure(
      { failure: unavailable, attempt: 1, firstAttemptAt: now, now },
      rules(),
    );
    // 0.99 of the first attempt's 2000 ms ceiling.
    expect(decision).toEqual({
      action: 'retry',
      attempt: 2,
      delayMs: 1980,
      notBefore: new Date(now.getTime() + 1980),
      tier: RETRY_TOPICS[0],
    });
  });

  it('dead-letters the last attempt, saying why', () => {
    const decision = decideAfterFailure(
      { failure: unavailable, attempt: 3, firstAttemptAt: now, now },
      rules(),
    );
    expect(decision).toEqual({
      action: 'dead-letter',
      reason: 'attempts-exhausted: 3 of 3 attempts failed, the last with ServiceUnavailable',
    });
  });

  it('waits out an outage of every provider of the channel, even on the last attempt', () => {
    const backAt = new Date(now.getTime() + 30_000);
    const decision = decideAfterFailure(
      { failure: unavailable, attempt: 3, firstAttemptAt: now, now },
      rules({ channelOutageEndsAt: () => backAt }),
    );
    expect(decision).toEqual({
      action: 'wait-for-channel',
      until: backAt,
      reason: 'every sms provider is unavailable (last failure ServiceUnavailable: down)',
    });
  });
});
