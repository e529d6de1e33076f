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
  requestHandler: {
    connectionTimeout: number;
    requestTimeout: number;
    httpAgent: { timeout: number };
    httpsAgent: { timeout: number };
  };
}

// Node's agent closes a kept-alive connection that has been idle this long, or a second before the
// server said it would (a `Keep-Alive: timeout=N` answer), whichever is sooner; without a value of its
// own it ignores the server's word and keeps the connection for ever. A call on a connection the
// server has just closed fails with ECONNRESET, and with the SDK's retries off that counts as a
// provider failure: a few at once (a burst after an idle spell) opened the circuit for 30 s.
const IDLE_CONNECTION_MS = 15_000;

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
    requestHandler: {
      connectionTimeout: 5_000,
      requestTimeout: 15_000,
      httpAgent: { timeout: IDLE_CONNECTION_MS },
      httpsAgent: { timeout: IDLE_CONNECTION_MS },
    },
  };
}
