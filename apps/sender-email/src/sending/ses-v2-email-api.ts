import type { SESClient } from '@aws-sdk/client-ses';

/** A simple email with headers of our own, as SES API v2 SendEmail takes it. */
export interface SesV2SimpleEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: { name: string; value: string }[];
}

/** An SES API v2 error in the shape the AWS SDK gives its exceptions, so one classifier reads both. */
export class SesV2ServiceError extends Error {
  readonly $metadata: { httpStatusCode: number };
  readonly $fault: 'client' | 'server';

  constructor(name: string, message: string, status: number) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: status };
    this.$fault = status >= 500 ? 'server' : 'client';
  }
}

type RequestSigner = Awaited<ReturnType<SESClient['config']['signer']>>;
type SignableRequest = Parameters<RequestSigner['sign']>[0];

// As the SES client's own requestTimeout: a hung connection must not hold the sender's lease.
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * SES API v2 SendEmail for an email that needs headers (List-Unsubscribe): API v1 SendEmail cannot
 * carry headers, and v2 keeps the simple form (SES builds the MIME message). The package has
 * only the v1 client, so this signs with that client's own SigV4 signer, credentials and region
 * (v2 is the same service, `ses`, on the same host).
 */
export class SesV2EmailApi {
  constructor(
    private readonly client: SESClient,
    /** A custom endpoint (an emulator); unset: Amazon SES in the client's region. */
    private readonly endpoint?: string,
  ) {}

  async sendEmail(email: SesV2SimpleEmail, signal: AbortSignal): Promise<{ messageId: string }> {
    const url = new URL('/v2/email/outbound-emails', await this.baseUrl());
    const body = JSON.stringify({
      FromEmailAddress: email.from,
      Destination: { ToAddresses: [email.to] },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: {
            Html: { Data: email.html, Charset: 'UTF-8' },
            Text: { Data: email.text, Charset: 'UTF-8' },
          },
          Headers: email.headers.map(({ name, value }) => ({ Name: name, Value: value })),
        },
      },
    });
    const unsigned: SignableRequest = {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: {},
      headers: { host: url.host, 'content-type': 'application/json' },
      body,
    };
    const signer = await this.client.config.signer();
    const signed = await signer.sign(unsigned);
    const response = await fetch(url, {
      method: 'POST',
      headers: signed.headers,
      body,
      signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
    });
    const answer = await readJson(response);
    if (!response.ok) throw errorOf(response, answer);
    const messageId = typeof answer.MessageId === 'string' ? answer.MessageId : undefined;
    if (!messageId) throw new Error('SES answered SendEmail (v2) without a MessageId');
    return { messageId };
  }

  private async baseUrl(): Promise<string> {
    if (this.endpoint) return this.endpoint;
    const region = await this.client.config.region();
    return `https://email.${region}.amazonaws.com`;
  }
}

async function readJson(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return { message: text.slice(0, 300) };
  }
}

// The error type is in x-amzn-ErrorType ("MessageRejected:http://...") or the body's __type.
function errorOf(response: Response, answer: Record<string, unknown>): SesV2ServiceError {
  const typeText =
    response.headers.get('x-amzn-errortype') ??
    (typeof answer.__type === 'string' ? answer.__type : undefined);
  const name = typeText?.split(':')[0].split('#').pop() || `http-${response.status}`;
  const message =
    typeof answer.message === 'string'
      ? answer.message
      : typeof answer.Message === 'string'
        ? answer.Message
        : `SES answered HTTP ${response.status}`;
  return new SesV2ServiceError(name, message, response.status);
}
