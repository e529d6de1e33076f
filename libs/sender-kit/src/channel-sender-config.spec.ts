import {
  ConfigError,
  defineConfig,
  describeConfig,
  env,
  loadConfig,
  type Environment,
} from '@switchboard/config';
import type { ChannelProvider } from './channel-provider';
import {
  channelSenderConfigProblems,
  channelSenderVariables,
  configuredChannelSenderOptions,
  regionalProvider,
} from './channel-sender-config';

const spec = defineConfig({
  CHAT_PROVIDERS: {
    schema: env.list(regionalProvider('chat-a:us-east-1'), 'chat-a:us-east-1'),
    description: 'providers',
  },
  ...channelSenderVariables('CHAT', {
    words: { messages: 'chats', aMessage: 'a chat', aProviderCall: 'a chat service call' },
    rateLimit: { ratePerSecond: 3, burst: 6, most: 50 },
    examples: { rateLimit: 'chat-a=3/6', rateLimits: 'chat-b=1/1' },
  }),
});

function load(environment: Environment) {
  const config = loadConfig(spec, environment);
  return { config, problems: channelSenderConfigProblems('CHAT', config, config.CHAT_PROVIDERS) };
}

function problemsOf(environment: Environment): string[] {
  try {
    const { problems } = load(environment);
    return problems.map(({ variable, problem }) => `${variable}: ${problem}`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map(({ variable, problem }) => `${variable}: ${problem}`);
  }
}

const provider = (name: string): ChannelProvider<{ tenantId: string; messageId: string }> => ({
  name,
  send: async () => ({ providerMessageId: `${name}-1` }),
  classify: () => ({ kind: 'transient', code: 'test', reason: 'test' }),
});

describe('channelSenderVariables', () => {
  it("names each variable with the channel's prefix and describes it in the channel's words", () => {
    const described = Object.fromEntries(describeConfig(spec).map((variable) => [variable.name, variable]));
    expect(Object.keys(described)).toEqual([
      'CHAT_PROVIDERS',
      'CHAT_RATE_PER_SECOND',
      'CHAT_RATE_BURST',
      'CHAT_RATE_LIMITS',
      'CHAT_HIGH_PRIORITY_SHARE',
      'CHAT_FAIR_SHARE_MAX_WAIT',
      'CHAT_MAX_ATTEMPTS',
      'CHAT_RETRY_BASE_DELAY',
      'CHAT_RETRY_MAX_DELAY',
      'CHAT_RETRY_MAX_AGE',
      'CHAT_SEND_TIMEOUT',
      'CHAT_LEASE',
      'CHAT_CIRCUIT_FAILURES_TO_OPEN',
      'CHAT_CIRCUIT_OPEN_FOR',
      'CHAT_CONCURRENCY_HIGH',
      'CHAT_CONCURRENCY_NORMAL',
      'CHAT_CONCURRENCY_BULK',
      'CHAT_RETRY_CONCURRENCY',
    ]);
    expect(described.CHAT_RATE_PER_SECOND).toMatchObject({
      defaultValue: '3',
      description: 'Chats per second each provider is called with, across every replica',
    });
    expect(described.CHAT_RATE_BURST.defaultValue).toBe('6');
    expect(described.CHAT_RATE_LIMITS).toMatchObject({ required: false, example: 'chat-b=1/1' });
    expect(described.CHAT_MAX_ATTEMPTS.description).toBe(
      'Provider calls at a chat failing transiently before it is dead-lettered',
    );
    expect(described.CHAT_SEND_TIMEOUT.description).toBe(
      'A chat service call unanswered after this is abandoned and retried on the same provider',
    );
    expect(described.CHAT_LEASE).toMatchObject({
      defaultValue: '1m',
      description:
        'How long a sender holds the chats it claimed; after a crash, their redelivery waits this long at most',
    });
    expect(described.CHAT_FAIR_SHARE_MAX_WAIT).toMatchObject({
      defaultValue: '1s',
      description:
        "Longest a chat is expected to wait for its provider's rate limit or its tenant's fair share of it; beyond that it is put off to a retry topic (no attempt used), so another tenant's chats behind it are not held up",
    });
    expect(described.CHAT_CONCURRENCY_BULK.description).toBe(
      "Chats of the bulk lane sent at once (one recipient's still one after another)",
    );
  });

  it('names the variable, the entry and the expected form of each malformed setting', () => {
    expect(
      problemsOf({
        CHAT_PROVIDERS: 'chat a,chat-b:mars,chat-c:us-east-1:ftp://x',
        CHAT_RATE_LIMITS: 'chat-a=fast,chat-a=0/1',
        CHAT_RATE_PER_SECOND: '51',
      }),
    ).toEqual([
      'CHAT_PROVIDERS: entry 1: "chat a" must be name:region or name:region:endpoint, e.g. chat-a:us-east-1',
      'CHAT_PROVIDERS: entry 2: "chat-b:mars" must be name:region or name:region:endpoint, e.g. chat-a:us-east-1',
      'CHAT_PROVIDERS: entry 3: the endpoint of chat-c must be an http(s) URL',
      'CHAT_RATE_PER_SECOND: must be at most 50',
      'CHAT_RATE_LIMITS: entry 1: "chat-a=fast" must be name=rate/burst, e.g. chat-a=3/6',
      'CHAT_RATE_LIMITS: entry 2: "chat-a=0/1" must be name=rate/burst, e.g. chat-a=3/6',
    ]);
  });
});

describe('channelSenderConfigProblems', () => {
  it('finds nothing wrong with the defaults', () => {
    expect(problemsOf({})).toEqual([]);
  });

  it('refuses what only the settings together show to be wrong, naming each variable', () => {
    expect(
      problemsOf({
        CHAT_PROVIDERS: 'chat-a:us-east-1,chat-a:eu-west-1',
        CHAT_RATE_LIMITS: 'chat-b=1/1',
        CHAT_SEND_TIMEOUT: '1m',
        CHAT_LEASE: '1m',
      }),
    ).toEqual([
      'CHAT_PROVIDERS: names chat-a more than once',
      'CHAT_RATE_LIMITS: names chat-b, which is not a provider (providers: chat-a, chat-a)',
      'CHAT_LEASE: must be longer than CHAT_SEND_TIMEOUT (60000 ms), or a slow call could be sent again by another sender',
    ]);
  });
});

describe('configuredChannelSenderOptions', () => {
  const setup = (config: ReturnType<typeof load>['config']) =>
    configuredChannelSenderOptions('CHAT', config, {
      channel: 'sms',
      providers: [provider('chat-a'), provider('chat-b')],
      query: async () => [],
      schema: 'sender_chat',
    });

  it('gives each provider in order its own rate limit, or the default one', () => {
    const { config } = load({
      CHAT_PROVIDERS: 'chat-a:us-east-1,chat-b:eu-west-1',
      CHAT_RATE_LIMITS: 'chat-b=0.5/2',
    });
    const { channel, routes } = setup(config);
    expect(channel).toBe('sms');
    expect(
      routes.map(({ provider, rateLimiter }) => [
        provider.name,
        rateLimiter.ratePerSecond,
        rateLimiter.burst,
      ]),
    ).toEqual([
      ['chat-a', 3, 6],
      ['chat-b', 0.5, 2],
    ]);
  });

  it("holds a fifth of each provider's burst back for high priority unless told otherwise", () => {
    const byDefault = setup(load({ CHAT_PROVIDERS: 'chat-a:us-east-1', CHAT_RATE_BURST: '10' }).config);
    expect(byDefault.routes[0].rateLimiter.reservedTokens).toBe(2);
    const none = setup(load({ CHAT_PROVIDERS: 'chat-a:us-east-1', CHAT_HIGH_PRIORITY_SHARE: '0' }).config);
    expect(none.routes[0].rateLimiter.reservedTokens).toBe(0);
  });

  it('refuses a high-priority share that is not a fraction up to 0.9, naming the variable', () => {
    for (const share of ['20%', '0.95', '-0.1']) {
      expect(() => load({ CHAT_HIGH_PRIORITY_SHARE: share })).toThrow(/CHAT_HIGH_PRIORITY_SHARE/);
    }
  });

  it("opens a provider's circuit after the configured failures in a row, not before", () => {
    const { config } = load({ CHAT_CIRCUIT_FAILURES_TO_OPEN: '7', CHAT_CIRCUIT_OPEN_FOR: '45s' });
    const [{ breaker }] = setup(config).routes;
    const failure = { kind: 'transient', code: 'http-503', reason: 'unavailable' } as const;
    for (let failures = 1; failures < 7; failures += 1) breaker.recordFailure(failure);
    expect(breaker.state).toBe('closed');
    const failedAt = Date.now();
    breaker.recordFailure(failure);
    expect(breaker.state).toBe('open');
    const openFor = (breaker.snapshot().openUntil?.getTime() ?? 0) - failedAt;
    expect(openFor).toBeGreaterThanOrEqual(45_000);
    expect(openFor).toBeLessThan(46_000);
  });

  it('keeps a circuit set to open after more than ten failures in a row closed until then', () => {
    const { config } = load({ CHAT_CIRCUIT_FAILURES_TO_OPEN: '25' });
    const [{ breaker }] = setup(config).routes;
    const failure = { kind: 'transient', code: 'http-503', reason: 'unavailable' } as const;
    for (let failures = 1; failures < 25; failures += 1) breaker.recordFailure(failure);
    expect(breaker.state).toBe('closed');
    breaker.recordFailure(failure);
    expect(breaker.state).toBe('open');
  });

  it("puts a dispatch off when it would wait more than a second for its tenant's share, unless told otherwise", () => {
    expect(setup(load({}).config).fairShareMaxWaitMs).toBe(1000);
    expect(setup(load({ CHAT_FAIR_SHARE_MAX_WAIT: '250ms' }).config).fairShareMaxWaitMs).toBe(250);
    expect(() => load({ CHAT_FAIR_SHARE_MAX_WAIT: 'soon' })).toThrow(/CHAT_FAIR_SHARE_MAX_WAIT/);
  });

  it('passes the retry, lane, lease and timeout settings on, never a longest delay below the first', () => {
    const { config } = load({
      CHAT_MAX_ATTEMPTS: '3',
      CHAT_RETRY_BASE_DELAY: '2m',
      CHAT_RETRY_MAX_DELAY: '1m',
      CHAT_RETRY_MAX_AGE: '1h',
      CHAT_SEND_TIMEOUT: '20s',
      CHAT_LEASE: '90s',
      CHAT_CONCURRENCY_HIGH: '32',
      CHAT_CONCURRENCY_BULK: '4',
      CHAT_RETRY_CONCURRENCY: '8',
    });
    expect(setup(config)).toMatchObject({
      retryPolicy: { maxAttempts: 3, baseDelayMs: 120_000, maxDelayMs: 120_000, maxAgeMs: 3_600_000 },
      laneConcurrency: { high: 32, normal: 16, bulk: 4 },
      retryConcurrency: 8,
      leaseMs: 90_000,
      sendTimeoutMs: 20_000,
    });
  });
});
