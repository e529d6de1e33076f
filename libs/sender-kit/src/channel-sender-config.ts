import { env, type ConfigOf, type ConfigProblem, type ConfigVariable } from '@switchboard/config';
import type { ChannelName } from '@switchboard/contracts';
import type { CircuitBreakerOptions, SqlQuery } from '@switchboard/delivery';
import { z } from 'zod';
import type { ChannelProvider } from './channel-provider';
import type { ChannelSenderOptions } from './channel-sender';
import { DeliveryLedgerRepository } from './delivery-ledger.repository';
import { providerRoutes } from './provider-routes';
import type { Dispatch } from './dispatch-batch';

const PROVIDER_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** `name:region` or `name:region:endpoint`; the endpoint (a URL) may contain colons itself. */
export interface RegionalProviderSetting {
  name: string;
  region: string;
  endpoint?: string;
}

/** One entry of a provider list; `example` (e.g. `sns-us-east-1:us-east-1`) shows the form in errors. */
export function regionalProvider(example: string): z.ZodType<RegionalProviderSetting> {
  return z.string().transform((entry, context) => {
    const [name = '', region = '', ...rest] = entry.split(':');
    const endpoint = rest.join(':');
    if (!PROVIDER_NAME.test(name) || !AWS_REGION.test(region)) {
      context.addIssue({
        code: 'custom',
        message: `"${entry}" must be name:region or name:region:endpoint, e.g. ${example}`,
      });
      return z.NEVER;
    }
    if (endpoint && !z.url({ protocol: /^https?$/ }).safeParse(endpoint).success) {
      context.addIssue({ code: 'custom', message: `the endpoint of ${name} must be an http(s) URL` });
      return z.NEVER;
    }
    return endpoint ? { name, region, endpoint } : { name, region };
  });
}

const SHARE = /^(?:0|0?\.\d+)$/;

/** A fraction from 0 to 0.9 (0.2 holds a fifth of each burst back for high priority). */
function highPriorityShare(defaultShare: string): z.ZodType<number> {
  return z.preprocess(
    (value) => value ?? defaultShare,
    z
      .string()
      .regex(SHARE, 'must be a fraction such as 0.2 (0 holds nothing back)')
      .transform(Number)
      .pipe(z.number().max(0.9, 'must be at most 0.9, or normal and bulk would hardly be sent')),
  );
}

export interface ProviderRateLimitSetting {
  name: string;
  ratePerSecond: number;
  burst: number;
}

/** `name=rate/burst`, e.g. sns-us-east-1=20/40. */
function providerRateLimit(example: string): z.ZodType<ProviderRateLimitSetting> {
  return z.string().transform((entry, context) => {
    const match = /^([a-z0-9][a-z0-9-]*)=(\d+(?:\.\d+)?)\/(\d+)$/.exec(entry);
    if (!match || Number(match[2]) <= 0 || Number(match[3]) < 1) {
      context.addIssue({ code: 'custom', message: `"${entry}" must be name=rate/burst, e.g. ${example}` });
      return z.NEVER;
    }
    return { name: match[1], ratePerSecond: Number(match[2]), burst: Number(match[3]) };
  });
}

/** What every channel sender reads, each under the channel's prefix (`EMAIL_LEASE`). */
export interface ChannelSenderSettings {
  RATE_PER_SECOND: number;
  RATE_BURST: number;
  RATE_LIMITS: ProviderRateLimitSetting[] | undefined;
  HIGH_PRIORITY_SHARE: number;
  FAIR_SHARE_MAX_WAIT: number;
  MAX_ATTEMPTS: number;
  RETRY_BASE_DELAY: number;
  RETRY_MAX_DELAY: number;
  RETRY_MAX_AGE: number;
  SEND_TIMEOUT: number;
  LEASE: number;
  CIRCUIT_FAILURES_TO_OPEN: number;
  CIRCUIT_OPEN_FOR: number;
  CONCURRENCY_HIGH: number;
  CONCURRENCY_NORMAL: number;
  CONCURRENCY_BULK: number;
  RETRY_CONCURRENCY: number;
}

type SettingVariables = {
  [Name in keyof ChannelSenderSettings]: ConfigVariable<ChannelSenderSettings[Name]>;
};

export type ChannelSenderVariables<Prefix extends string> = {
  [Name in keyof ChannelSenderSettings as `${Prefix}_${Name}`]: ConfigVariable<ChannelSenderSettings[Name]>;
};

export type ChannelSenderConfig<Prefix extends string> = ConfigOf<ChannelSenderVariables<Prefix>>;

export interface ChannelSenderVariableOptions {
  /** How descriptions name the channel's messages: `emails`, `an email`, `an SES call`. */
  words: { messages: string; aMessage: string; aProviderCall: string };
  /** Every provider's rate limit unless RATE_LIMITS names it, and the most either may be set to. */
  rateLimit: { ratePerSecond: number; burst: number; most: number };
  /** `rateLimit` shows the form in errors (`ses-us-east-1=14/14`), `rateLimits` is a documented value. */
  examples: { rateLimit: string; rateLimits: string };
}

/**
 * The config variables of a channel sender on this kit, named `<prefix>_<setting>`, to spread into
 * the app's spec. The app defines `<prefix>_PROVIDERS` itself, since how a channel names its
 * providers and what it does without the variable differ; channelSenderConfigProblems checks the two
 * together.
 */
export function channelSenderVariables<const Prefix extends string>(
  prefix: Prefix,
  { words, rateLimit, examples }: ChannelSenderVariableOptions,
): ChannelSenderVariables<Prefix> {
  const messages = capitalize(words.messages);
  const laneConcurrency = (lane: string) => ({
    schema: env.int({ min: 1, max: 256, default: 16 }),
    description: `${messages} of the ${lane} lane sent at once (one recipient's still one after another)`,
    sensitive: false,
  });
  const variables: SettingVariables = {
    RATE_PER_SECOND: {
      schema: env.int({ min: 1, max: rateLimit.most, default: rateLimit.ratePerSecond }),
      description: `${messages} per second each provider is called with, across every replica`,
      sensitive: false,
    },
    RATE_BURST: {
      schema: env.int({ min: 1, max: rateLimit.most, default: rateLimit.burst }),
      description: `${messages} a provider may be sent at once after a quiet time, across every replica`,
      sensitive: false,
    },
    RATE_LIMITS: {
      schema: env.list(providerRateLimit(examples.rateLimit)).optional(),
      description: 'Per-provider rate limits overriding the two above, comma-separated name=rate/burst',
      sensitive: false,
      example: examples.rateLimits,
    },
    HIGH_PRIORITY_SHARE: {
      schema: highPriorityShare('0.2'),
      description: `Share of each provider's burst that only high-priority ${words.messages} may take: normal and bulk stop short of it, high may use it all`,
      sensitive: false,
    },
    FAIR_SHARE_MAX_WAIT: {
      schema: env.duration('1s'),
      description: `Longest ${words.aMessage} is expected to wait for its provider's rate limit or its tenant's fair share of it; beyond that it is put off to a retry topic (no attempt used), so another tenant's ${words.messages} behind it are not held up`,
      sensitive: false,
    },
    MAX_ATTEMPTS: {
      schema: env.int({ min: 1, max: 100, default: 8 }),
      description: `Provider calls at ${words.aMessage} failing transiently before it is dead-lettered`,
      sensitive: false,
    },
    RETRY_BASE_DELAY: {
      schema: env.duration('1s'),
      description: 'Ceiling of the first retry delay (full jitter), doubling per attempt',
      sensitive: false,
    },
    RETRY_MAX_DELAY: {
      schema: env.duration('10m'),
      description: 'Largest ceiling of a retry delay',
      sensitive: false,
    },
    RETRY_MAX_AGE: {
      schema: env.duration('1d'),
      description: 'No retry starts later than this after the first attempt',
      sensitive: false,
    },
    SEND_TIMEOUT: {
      schema: env.duration('10s'),
      description: `${capitalize(words.aProviderCall)} unanswered after this is abandoned and retried on the same provider`,
      sensitive: false,
    },
    LEASE: {
      schema: env.duration('1m'),
      description: `How long a sender holds the ${words.messages} it claimed; after a crash, their redelivery waits this long at most`,
      sensitive: false,
    },
    CIRCUIT_FAILURES_TO_OPEN: {
      schema: env.int({ min: 1, max: 1000, default: 5 }),
      description: "Transient failures in a row that open a provider's circuit (traffic fails over)",
      sensitive: false,
    },
    CIRCUIT_OPEN_FOR: {
      schema: env.duration('30s'),
      description: 'How long an open circuit stays open before a probe call tries the provider again',
      sensitive: false,
    },
    CONCURRENCY_HIGH: laneConcurrency('high-priority'),
    CONCURRENCY_NORMAL: laneConcurrency('normal-priority'),
    CONCURRENCY_BULK: laneConcurrency('bulk'),
    RETRY_CONCURRENCY: {
      schema: env.int({ min: 1, max: 256, default: 16 }),
      description: "Due retries of a retry topic's partition sent at once",
      sensitive: false,
    },
  };
  return Object.fromEntries(
    Object.entries(variables).map(([name, variable]) => [`${prefix}_${name}`, variable]),
  ) as ChannelSenderVariables<Prefix>;
}

/**
 * What no single variable shows: distinct provider names, rate limits only for configured
 * providers, and a lease that outlasts a provider call. `providers` are the ones the app will use.
 */
export function channelSenderConfigProblems<Prefix extends string>(
  prefix: Prefix,
  config: ChannelSenderConfig<Prefix>,
  providers: ReadonlyArray<{ name: string }>,
): ConfigProblem[] {
  const setting = settingReader(prefix, config);
  const problems: ConfigProblem[] = [];
  const names = providers.map((provider) => provider.name);
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length > 0) {
    problems.push({
      variable: `${prefix}_PROVIDERS`,
      problem: `names ${repeated.join(', ')} more than once`,
    });
  }
  for (const { name } of setting('RATE_LIMITS') ?? []) {
    if (!names.includes(name)) {
      problems.push({
        variable: `${prefix}_RATE_LIMITS`,
        problem: `names ${name}, which is not a provider (providers: ${names.join(', ')})`,
      });
    }
  }
  if (setting('LEASE') <= setting('SEND_TIMEOUT')) {
    problems.push({
      variable: `${prefix}_LEASE`,
      problem: `must be longer than ${prefix}_SEND_TIMEOUT (${setting('SEND_TIMEOUT')} ms), or a slow call could be sent again by another sender`,
    });
  }
  return problems;
}

export interface ChannelSenderSetup<TDispatch extends Dispatch> {
  channel: ChannelName;
  /** In order of preference. */
  providers: ReadonlyArray<ChannelProvider<TDispatch>>;
  query: SqlQuery;
  /** The app's schema, holding the ledger and the rate-limit buckets. */
  schema: string;
}

export type ConfiguredChannelSenderOptions<TDispatch extends Dispatch> = Pick<
  ChannelSenderOptions<TDispatch>,
  | 'channel'
  | 'routes'
  | 'ledger'
  | 'retryPolicy'
  | 'laneConcurrency'
  | 'retryConcurrency'
  | 'leaseMs'
  | 'sendTimeoutMs'
  | 'fairShareMaxWaitMs'
>;

/** The part of ChannelSenderOptions that the settings decide. */
export function configuredChannelSenderOptions<TDispatch extends Dispatch, Prefix extends string>(
  prefix: Prefix,
  config: ChannelSenderConfig<Prefix>,
  { channel, providers, query, schema }: ChannelSenderSetup<TDispatch>,
): ConfiguredChannelSenderOptions<TDispatch> {
  const setting = settingReader(prefix, config);
  return {
    channel,
    routes: providerRoutes(providers, {
      channel,
      query,
      schema,
      defaultRateLimit: { ratePerSecond: setting('RATE_PER_SECOND'), burst: setting('RATE_BURST') },
      rateLimits: Object.fromEntries(
        (setting('RATE_LIMITS') ?? []).map(({ name, ...limit }) => [name, limit]),
      ),
      breaker: failuresInARowBreaker(setting('CIRCUIT_FAILURES_TO_OPEN'), setting('CIRCUIT_OPEN_FOR')),
      highPriorityShare: setting('HIGH_PRIORITY_SHARE'),
    }),
    ledger: new DeliveryLedgerRepository({ query, schema, channel }),
    retryPolicy: {
      maxAttempts: setting('MAX_ATTEMPTS'),
      baseDelayMs: setting('RETRY_BASE_DELAY'),
      maxDelayMs: Math.max(setting('RETRY_MAX_DELAY'), setting('RETRY_BASE_DELAY')),
      maxAgeMs: setting('RETRY_MAX_AGE'),
    },
    laneConcurrency: {
      high: setting('CONCURRENCY_HIGH'),
      normal: setting('CONCURRENCY_NORMAL'),
      bulk: setting('CONCURRENCY_BULK'),
    },
    retryConcurrency: setting('RETRY_CONCURRENCY'),
    leaseMs: setting('LEASE'),
    sendTimeoutMs: setting('SEND_TIMEOUT'),
    fairShareMaxWaitMs: setting('FAIR_SHARE_MAX_WAIT'),
  };
}

// TypeScript cannot resolve `${Prefix}_LEASE` on a config whose prefix is still generic.
function settingReader<Prefix extends string>(prefix: Prefix, config: ChannelSenderConfig<Prefix>) {
  const byName = config as unknown as Record<string, unknown>;
  return <Name extends keyof ChannelSenderSettings>(name: Name) =>
    byName[`${prefix}_${name}`] as ChannelSenderSettings[Name];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A breaker that opens on failures in a row only: a failure rate would let a few unlucky calls open
 * it. The rate rule cannot be switched off, so it is made to need at least as many calls, all failed,
 * as the failures in a row; otherwise it would open after its 10-call minimum whatever was configured.
 */
export function failuresInARowBreaker(
  failuresToOpen: number,
  openForMs: number,
): Omit<CircuitBreakerOptions, 'provider' | 'clock'> {
  return {
    consecutiveFailuresToOpen: failuresToOpen,
    openForMs,
    failureRateToOpen: 1,
    minimumCallsInWindow: failuresToOpen,
    windowSize: Math.max(DEFAULT_BREAKER_WINDOW, failuresToOpen),
  };
}

const DEFAULT_BREAKER_WINDOW = 20;
