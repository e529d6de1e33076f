import { SESClient } from '@aws-sdk/client-ses';
import { awsClientConfig } from '@switchboard/sender-kit';
import { startSesEmulator, type SesEmulator } from '@switchboard/testing';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SesV2EmailApi } from './ses-v2-email-api';

const email = {
  from: 'Switchboard <noreply@example.com>',
  to: 'ada@example.com',
  subject: 'Spring sale — 20 %',
  html: '<p>Hi</p>',
  text: 'Hi',
  headers: [
    { name: 'List-Unsubscribe', value: '<https://mail.example.com/v1/unsubscribe/abc.def>' },
    { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
  ],
};

function clientFor(endpoint: string): SESClient {
  return new SESClient(
    awsClientConfig({ region: 'eu-west-1', endpoint, accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
  );
}

interface Captured {
  method?: string;
  url?: string;
  headers?: IncomingHttpHeaders;
  body?: string;
}

/** A server that answers like SES v2 and keeps the last request, to see what was signed and sent. */
async function startCapturingServer(
  status: number,
  answer: unknown,
  answerHeaders: Record<string, string> = {},
): Promise<{ server: Server; endpoint: string; captured: Captured }> {
  const captured: Captured = {};
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      Object.assign(captured, { method: request.method, url: request.url, headers: request.headers, body });
      response.writeHead(status, { 'content-type': 'application/json', ...answerHeaders });
      response.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, endpoint: `http://127.0.0.1:${port}`, captured };
}

describe('SesV2EmailApi', () => {
  let emulator: SesEmulator;

  beforeAll(async () => {
    emulator = await startSesEmulator();
  });
  afterAll(() => emulator.stop());

  it('sends html and text with the headers, which arrive as sent', async () => {
    await emulator.clear();
    const api = new SesV2EmailApi(clientFor(emulator.endpoint), emulator.endpoint);

    const { messageId } = await api.sendEmail(email, new AbortController().signal);

    const [stored] = await emulator.sentEmails();
    expect(stored).toMatchObject({
      messageId,
      to: ['ada@example.com'],
      subject: 'Spring sale — 20 %',
      html: '<p>Hi</p>',
      text: 'Hi',
      headers: email.headers,
    });
  });

  it('signs the request with SigV4 for the ses service in the client region', async () => {
    const { server, endpoint, captured } = await startCapturingServer(200, { MessageId: 'm-1' });
    try {
      await new SesV2EmailApi(clientFor(endpoint), endpoint).sendEmail(email, new AbortController().signal);
    } finally {
      server.close();
    }

    expect(captured.method).toBe('POST');
    expect(captured.url).toBe('/v2/email/outbound-emails');
    expect(captured.headers?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/ses\/aws4_request, SignedHeaders=[a-z0-9;-]*content-type;host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(JSON.parse(captured.body ?? '{}')).toMatchObject({
      FromEmailAddress: email.from,
      Destination: { ToAddresses: ['ada@example.com'] },
      Content: {
        Simple: { Headers: [{ Name: 'List-Unsubscribe', Value: email.headers[0].value }, expect.anything()] },
      },
    });
  });

  it('throws SES errors with their type and status, as the SDK names them', async () => {
    const { server, endpoint } = await startCapturingServer(
      400,
      { message: 'Email address is not verified.' },
      { 'x-amzn-ErrorType': 'MessageRejected:http://internal.amazon.com/coral/com.amazonaws.sesv2/' },
    );
    try {
      const attempt = new SesV2EmailApi(clientFor(endpoint), endpoint).sendEmail(
        email,
        new AbortController().signal,
      );

      await expect(attempt).rejects.toMatchObject({
        name: 'MessageRejected',
        message: 'Email address is not verified.',
        $metadata: { httpStatusCode: 400 },
      });
    } finally {
      server.close();
    }
  });

  it('stops when the send is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const api = new SesV2EmailApi(clientFor(emulator.endpoint), emulator.endpoint);

    await expect(api.sendEmail(email, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
