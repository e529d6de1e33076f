import {
  commonVariables,
  ConfigError,
  defineConfig,
  env,
  loadConfig,
  serviceVariables,
  type ConfigOf,
  type ConfigProblem,
  type Environment,
} from '@switchboard/config';
import { z } from 'zod';

const laneConcurrency = (lane: string) => ({
  schema: env.int({ min: 1, max: 256, default: 16 }),
  description: `Emails of the ${lane} lane sent at once (one recipient's still one after another)`,
  sensitive: false,
});

const PROVIDER_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** `name:region` or `name:region:endpoint`; the endpoint (a URL) may contain colons itself. */
export interface SesProviderSetting {
  name: string;
  region: string;
  endpoint?: string;
}

const sesProvider: z.ZodType<SesProviderSetting> = z.string().transform((entry, context) => {
  const [name = '', region = '', ...rest] = entry.split(':');
  const endpoint = rest.join(':');
  if (!PROVIDER_NAME.test(name) || !AWS_REGION.test(region)) {
    context.addIssue({
      code: 'custom',
      message: `"${entry}" must be name:region or name:region:endpoint, e.g. ses-us-east-1:us-east-1`,
    });
    return z.NEVER;
  }
  if (endpoint && !z.url({ protocol: /^https?$/ }).safeParse(endpoint).success) {
    context.addIssue({ code: 'custom', message: `the endpoint of ${name} must be an http(s) URL` });
    return z.NEVER;
  }
  return endpoint ? { name, region, endpoint } : { name, region };
});

/** `name=rate/burst`, e.g. ses-us-east-1=14/14. */
const providerRateLimit = z.string().transform((entry, context) => {
  const match = /^([a-z0-9][a-z0-9-]*)=(\d+(?:\.\d+)?)\/(\d+)$/.exec(entry);
  if (!match || Number(match[2]) <= 0 || Number(match[3]) < 1) {
    context.addIssue({
      code: 'custom',
      message: `"${entry}" must be name=rate/burst, e.g. ses-us-east-1=14/14`,
    });
    return z.NEVER;
  }
  return { name: match[1], ratePerSecond: Number(match[2]), burst: Number(match[3]) };
});

export const senderEmailConfigSpec = defineConfig({
  ...commonVariables,
  PORT: { ...commonVariables.PORT, schema: env.port(3104) },
  DATABASE_POOL_SIZE: serviceVariables.DATABASE_POOL_SIZE,
  EMAIL_FROM: {
    schema: env.string({
      pattern: /^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/,
      patternMessage: 'must be an email address, optionally as Name <address>',
    }),
    description: 'Sender address of every email (must be verified in SES)',
    sensitive: false,
    example: 'Switchboard <noreply@example.com>',
  },
  EMAIL_PROVIDERS: {
    schema: env.list(sesProvider).optional(),
    description:
      'Amazon SES providers in order of preference, comma-separated name:region[:endpoint]; the next takes over when one circuit opens. Unset: one provider, ses-<SES_REGION>',
    sensitive: false,
    example: 'ses-eu-west-1:eu-west-1,ses-eu-central-1:eu-central-1',
  },
  SES_REGION: {
    schema: env.string({
      default: 'us-east-1',
      pattern: AWS_REGION,
      patternMessage: 'must be an AWS region',
    }),
    description: 'AWS region of the one SES provider used when EMAIL_PROVIDERS is unset',
    sensitive: false,
  },
  SES_ENDPOINT: {
    schema: env.url({ protocols: ['http', 'https'] }).optional(),
    description: 'SES endpoint for providers without their own (a local emulator); unset for Amazon SES',
    sensitive: false,
    example: 'http://127.0.0.1:8005',
  },
  AWS_ACCESS_KEY_ID: {
    schema: env.string().optional(),
    description:
      "AWS access key id for SES; unset: the SDK's provider chain (or placeholders for an emulator)",
    sensitive: true,
  },
  AWS_SECRET_ACCESS_KEY: {
    schema: env.string().optional(),
    description: 'AWS secret access key for SES',
    sensitive: true,
  },
  EMAIL_RATE_PER_SECOND: {
    // SES's sending quota once an account leaves the sandbox.
    schema: env.int({ min: 1, max: 100_000, default: 14 }),
    description: 'Emails per second each provider is called with, across every replica',
    sensitive: false,
  },
  EMAIL_RATE_BURST: {
    schema: env.int({ min: 1, max: 100_000, default: 14 }),
    description: 'Emails a provider may be sent at once after a quiet time, across every replica',
    sensitive: false,
  },
  EMAIL_RATE_LIMITS: {
    schema: env.list(providerRateLimit).optional(),
    description: 'Per-provider rate limits overriding the two above, comma-separated name=rate/burst',
    sensitive: false,
    example: 'ses-eu-west-1=50/50',
  },
  EMAIL_MAX_ATTEMPTS: {
    schema: env.int({ min: 1, max: 100, default: 8 }),
    description: 'Provider calls at an email failing transiently before it is dead-lettered',
    sensitive: false,
  },
  EMAIL_RETRY_BASE_DELAY: {
    schema: env.duration('1s'),
    description: 'Ceiling of the first retry delay (full jitter), doubling per attempt',
    sensitive: false,
  },
  EMAIL_RETRY_MAX_DELAY: {
    schema: env.duration('10m'),
    description: 'Largest ceiling of a retry delay',
    sensitive: false,
  },
  EMAIL_RETRY_MAX_AGE: {
    schema: env.duration('1d'),
    description: 'No retry starts later than this after the first attempt',
    sensitive: false,
  },
  EMAIL_SEND_TIMEOUT: {
    schema: env.duration('10s'),
    description: 'An SES call unanswered after this is abandoned and retried on the same provider',
    sensitive: false,
  },
  EMAIL_LEASE: {
    schema: env.duration('1m'),
    description:
      'How long a sender holds the emails it claimed; after a crash, their redelivery waits this long at most',
    sensitive: false,
  },
  EMAIL_CIRCUIT_FAILURES_TO_OPEN: {
    schema: env.int({ min: 1, max: 1000, default: 5 }),
    description: "Transient failures in a row that open a provider's circuit (traffic fails over)",
    sensitive: false,
  },
  EMAIL_CIRCUIT_OPEN_FOR: {
    schema: env.duration('30s'),
    description: 'How long an open circuit stays open before a probe call tries the provider again',
    sensitive: false,
  },
  EMAIL_CONCURRENCY_HIGH: laneConcurrency('high-priority'),
  EMAIL_CONCURRENCY_NORMAL: laneConcurrency('normal-priority'),
  EMAIL_CONCURRENCY_BULK: laneConcurrency('bulk'),
  EMAIL_RETRY_CONCURRENCY: {
    schema: env.int({ min: 1, max: 256, default: 16 }),
    description: 'Retries of each retry topic waited for and sent at once',
    sensitive: false,
  },
});

export type SenderEmailConfig = ConfigOf<typeof senderEmailConfigSpec>;

/**
 * Loads the config and also checks what no single variable shows: distinct provider names, rate
 * limits only for configured providers, and a lease that outlasts a provider call.
 */
export function loadSenderEmailConfig(environment?: Environment): SenderEmailConfig {
  const config = loadConfig(senderEmailConfigSpec, environment);
  const problems: ConfigProblem[] = [];
  const names = sesProviderSettings(config).map((provider) => provider.name);
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length > 0) {
    problems.push({ variable: 'EMAIL_PROVIDERS', problem: `names ${repeated.join(', ')} more than once` });
  }
  for (const { name } of config.EMAIL_RATE_LIMITS ?? []) {
    if (!names.includes(name)) {
      problems.push({
        variable: 'EMAIL_RATE_LIMITS',
        problem: `names ${name}, which is not a provider (providers: ${names.join(', ')})`,
      });
    }
  }
  if (config.EMAIL_LEASE <= config.EMAIL_SEND_TIMEOUT) {
    problems.push({
      variable: 'EMAIL_LEASE',
      problem: `must be longer than EMAIL_SEND_TIMEOUT (${config.EMAIL_SEND_TIMEOUT} ms), or a slow call could be sent again by another sender`,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The configured providers in order of preference; by default one in SES_REGION. */
export function sesProviderSettings(config: SenderEmailConfig): SesProviderSetting[] {
  return config.EMAIL_PROVIDERS ?? [{ name: `ses-${config.SES_REGION}`, region: config.SES_REGION }];
}
