import {
  commonVariables,
  ConfigError,
  defineConfig,
  env,
  loadConfig,
  serviceVariables,
  type ConfigOf,
  type Environment,
} from '@switchboard/config';
import { encryptionVariables } from '@switchboard/encryption';
import {
  channelSenderConfigProblems,
  channelSenderVariables,
  regionalProvider,
} from '@switchboard/sender-kit';

export const senderSmsConfigSpec = defineConfig({
  ...commonVariables,
  PORT: { ...commonVariables.PORT, schema: env.port(3106) },
  DATABASE_POOL_SIZE: serviceVariables.DATABASE_POOL_SIZE,
  // Dispatches (number, text) arrive sealed with each recipient's data key, and retries are sealed
  // again: ENCRYPTION_MASTER_KEYS (or KMS) and BLIND_INDEX_KEY are required.
  ...encryptionVariables,
  SMS_PROVIDERS: {
    schema: env.list(regionalProvider('sns-us-east-1:us-east-1'), 'sns-us-east-1:us-east-1'),
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
  ...channelSenderVariables('SMS', {
    words: { messages: 'SMS', aMessage: 'an SMS', aProviderCall: 'an SNS call' },
    rateLimit: { ratePerSecond: 20, burst: 20, most: 10_000 },
    examples: { rateLimit: 'sns-us-east-1=20/40', rateLimits: 'sns-us-east-1=20/40' },
  }),
});

export type SenderSmsConfig = ConfigOf<typeof senderSmsConfigSpec>;

export function loadSenderSmsConfig(environment?: Environment): SenderSmsConfig {
  const config = loadConfig(senderSmsConfigSpec, environment);
  const problems = channelSenderConfigProblems('SMS', config, config.SMS_PROVIDERS);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
