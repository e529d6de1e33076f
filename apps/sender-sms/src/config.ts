import {
  commonVariables,
  defineConfig,
  env,
  loadConfig,
  serviceVariables,
  type ConfigOf,
  type Environment,
} from '@switchboard/config';
import { z } from 'zod';

const laneConcurrency = (lane: string) => ({
  schema: env.int({ min: 1, max: 256, default: 16 }),
  description: `SMS of the ${lane} lane sent at once (one recipient's still one after another)`,
  sensitive: false,
});

const PROVIDER_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** `name:region` or `name:region:endpoint`; the endpoint (a URL) may contain colons itself. */
export interface SnsProviderSetting {
  name: string;
  region: string;
  endpoint?: string;
}

const snsProvider: z.ZodType<SnsProviderSetting> = z.string().transform((entry, context) => {
  const [name = '', region = '', ...rest] = entry.split(':');
  const endpoint = rest.join(':');
  if (!PROVIDER_NAME.test(name) || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    context.addIssue({
      code: 'custom',
      message: `"${entry}" must be name:region or name:region:endpoint, e.g. sns-us-east-1:us-east-1`,
    });
    return z.NEVER;
  }
  if (endpoint && !z.url({ protocol: /^https?$/ }).safeParse(endpoint).success) {
    context.addIssue({ code: 'custom', message: `the endpoint of ${name} must be an http(s) URL` });
    return z.NEVER;
  }
  return endpoint ? { name, region, endpoint } : { name, region };
});

/** `name=rate/burst`, e.g. sns-us-east-1=20/40. */
const providerRateLimit = z.string().transform((entry, context) => {
  const match = /^([a-z0-9][a-z0-9-]*)=(\d+(?:\.\d+)?)\/(\d+)$/.exec(entry);
  if (!match || Number(match[2]) <= 0 || Number(match[3]) < 1) {
    context.addIssue({
      code: 'custom',
      message: `"${entry}" must be name=rate/burst, e.g. sns-us-east-1=20/40`,
    });
    return z.NEVER;
  }
  return { name: match[1], ratePerSecond: Number(match[2]), burst: Number(match[3]) };
});

export const senderSmsConfigSpec = defineConfig({
  ...commonVariables,
  PORT: { ...commonVariables.PORT, schema: env.port(3106) },
  DATABASE_POOL_SIZE: serviceVariables.DATABASE_POOL_SIZE,
  SMS_PROVIDERS: {
    schema: env.list(snsProvider, 'sns-us-east-1:us-east-1'),
    description:
      'Amazon SNS providers in order of preference, comma-separated name:region[:endpoint]; the next takes over when one circuit opens',
    sensitive: false,
    example: 'sns-us-east-1:us-east-1,sns-eu-west-1:eu-west-1',
  },
  SNS_ENDPOINT: {
    schema: env.url({ protocols: ['http', 'https'] }).optional(),
    description: 'SNS endpoint for providers without their own (a local emulator); unset for Amazon SNS',
    sensitive: false,
    example: 'http://127.0.0.1:8006',
  },
  AWS_ACCESS_KEY_ID: {
    schema: env.string().optional(),
    description:
      "AWS access key id for SNS; unset: the SDK's provider chain (or placeholders for an emulator)",
    sensitive: true,
  },
  AWS_SECRET_ACCESS_KEY: {
    schema: env.string().optional(),
    description: 'AWS secret access key for SNS',
    sensitive: true,
  },
  SMS_RATE_PER_SECOND: {
    schema: env.int({ min: 1, max: 10_000, default: 20 }),
    description: 'SMS per second each provider is called with, across every replica',
    sensitive: false,
  },
  SMS_RATE_BURST: {
    schema: env.int({ min: 1, max: 10_000, default: 20 }),
    description: 'SMS a provider may be sent at once after a quiet time, across every replica',
    sensitive: false,
  },
  SMS_RATE_LIMITS: {
    schema: env.list(providerRateLimit).optional(),
    description: 'Per-provider rate limits overriding the two above, comma-separated name=rate/burst',
    sensitive: false,
    example: 'sns-us-east-1=20/40',
  },
  SMS_MAX_ATTEMPTS: {
    schema: env.int({ min: 1, max: 100, default: 8 }),
    description: 'Provider calls at an SMS failing transiently before it is dead-lettered',
    sensitive: false,
  },
  SMS_RETRY_BASE_DELAY: {
    schema: env.duration('1s'),
    description: 'Ceiling of the first retry delay (full jitter), doubling per attempt',
    sensitive: false,
  },
  SMS_RETRY_MAX_DELAY: {
    schema: env.duration('10m'),
    description: 'Largest ceiling of a retry delay',
    sensitive: false,
  },
  SMS_RETRY_MAX_AGE: {
    schema: env.duration('1d'),
    description: 'No retry starts later than this after the first attempt',
    sensitive: false,
  },
  SMS_SEND_TIMEOUT: {
    schema: env.duration('10s'),
    description: 'An SNS call unanswered after this is abandoned and retried on the same provider',
    sensitive: false,
  },
  SMS_CIRCUIT_FAILURES_TO_OPEN: {
    schema: env.int({ min: 1, max: 1000, default: 5 }),
    description: "Transient failures in a row that open a provider's circuit (traffic fails over)",
    sensitive: false,
  },
  SMS_CIRCUIT_OPEN_FOR: {
    schema: env.duration('30s'),
    description: 'How long an open circuit stays open before a probe call tries the provider again',
    sensitive: false,
  },
  SMS_CONCURRENCY_HIGH: laneConcurrency('high-priority'),
  SMS_CONCURRENCY_NORMAL: laneConcurrency('normal-priority'),
  SMS_CONCURRENCY_BULK: laneConcurrency('bulk'),
  SMS_RETRY_CONCURRENCY: {
    schema: env.int({ min: 1, max: 256, default: 16 }),
    description: 'Retries of each retry topic waited for and sent at once',
    sensitive: false,
  },
});

export type SenderSmsConfig = ConfigOf<typeof senderSmsConfigSpec>;

export function loadSenderSmsConfig(environment?: Environment): SenderSmsConfig {
  return loadConfig(senderSmsConfigSpec, environment);
}
