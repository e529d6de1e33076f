import {
  commonVariables,
  defineConfig,
  env,
  loadConfig,
  serviceVariables,
  type ConfigOf,
  type Environment,
} from '@switchboard/config';

const laneConcurrency = (lane: string) => ({
  schema: env.int({ min: 1, max: 256, default: 16 }),
  description: `Emails of the ${lane} lane sent at once (order is still kept per recipient)`,
  sensitive: false,
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
  SES_REGION: {
    schema: env.string({ default: 'us-east-1' }),
    description: 'AWS region of the SES endpoint',
    sensitive: false,
  },
  SES_ENDPOINT: {
    schema: env.url({ protocols: ['http', 'https'] }).optional(),
    description: 'SES endpoint to call instead of the AWS one (a local emulator); unset for Amazon SES',
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
  EMAIL_MAX_ATTEMPTS: {
    schema: env.int({ min: 1, max: 100, default: 5 }),
    description: 'Tries at an email whose provider call fails transiently before it is dead-lettered',
    sensitive: false,
  },
  EMAIL_CONCURRENCY_HIGH: laneConcurrency('high-priority'),
  EMAIL_CONCURRENCY_NORMAL: laneConcurrency('normal-priority'),
  EMAIL_CONCURRENCY_BULK: laneConcurrency('bulk'),
});

export type SenderEmailConfig = ConfigOf<typeof senderEmailConfigSpec>;

export function loadSenderEmailConfig(environment?: Environment): SenderEmailConfig {
  return loadConfig(senderEmailConfigSpec, environment);
}
