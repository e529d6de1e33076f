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
  AWS_REGION,
  channelSenderConfigProblems,
  channelSenderVariables,
  regionalProvider,
  type RegionalProviderSetting,
} from '@switchboard/sender-kit';

export const senderEmailConfigSpec = defineConfig({
  ...commonVariables,
  PORT: { ...commonVariables.PORT, schema: env.port(3104) },
  DATABASE_POOL_SIZE: serviceVariables.DATABASE_POOL_SIZE,
  // Dispatches (address, subject, body) arrive sealed with each recipient's data key, and retries
  // are sealed again: ENCRYPTION_MASTER_KEYS (or KMS) and BLIND_INDEX_KEY are required.
  ...encryptionVariables,
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
    schema: env.list(regionalProvider('ses-us-east-1:us-east-1')).optional(),
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
  ...channelSenderVariables('EMAIL', {
    words: { messages: 'emails', aMessage: 'an email', aProviderCall: 'an SES call' },
    // SES's sending quota once an account leaves the sandbox.
    rateLimit: { ratePerSecond: 14, burst: 14, most: 100_000 },
    examples: { rateLimit: 'ses-us-east-1=14/14', rateLimits: 'ses-eu-west-1=50/50' },
  }),
});

export type SenderEmailConfig = ConfigOf<typeof senderEmailConfigSpec>;

/** The token the validated config is injected by: `@Inject(SENDER_EMAIL_CONFIG) config: SenderEmailConfig`. */
export const SENDER_EMAIL_CONFIG = Symbol('SENDER_EMAIL_CONFIG');

/** Loads the config and also checks what no single variable shows (channelSenderConfigProblems). */
export function loadSenderEmailConfig(environment?: Environment): SenderEmailConfig {
  const config = loadConfig(senderEmailConfigSpec, environment);
  const problems = channelSenderConfigProblems('EMAIL', config, sesProviderSettings(config));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The configured providers in order of preference; by default one in SES_REGION. */
export function sesProviderSettings(config: SenderEmailConfig): RegionalProviderSetting[] {
  return config.EMAIL_PROVIDERS ?? [{ name: `ses-${config.SES_REGION}`, region: config.SES_REGION }];
}
