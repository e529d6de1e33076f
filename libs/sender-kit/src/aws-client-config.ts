/** Where and as whom an AWS client (SES, SNS) of a sender calls. */
export interface AwsClientSettings {
  region: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** The part of an AWS SDK client's config the senders set; SES and SNS clients both take it. */
export interface AwsClientConfig {
  region: string;
  maxAttempts: number;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  requestHandler: { connectionTimeout: number; requestTimeout: number };
}

// A local emulator checks no signature, but the SDK refuses to sign without some credentials.
const EMULATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * The SDK's own retries are off (one attempt per call): retries are the sender's, through retry
 * topics, with the circuit breaker seeing every failure. Explicit credentials win; against a
 * custom endpoint without them, placeholder ones; otherwise the SDK's own chain (instance role,
 * shared profile) finds them.
 */
export function awsClientConfig(settings: AwsClientSettings): AwsClientConfig {
  const explicit =
    settings.accessKeyId && settings.secretAccessKey
      ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
      : undefined;
  const credentials = explicit ?? (settings.endpoint ? EMULATOR_CREDENTIALS : undefined);
  return {
    region: settings.region,
    maxAttempts: 1,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 15_000 },
  };
}
