import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { freePort } from '@switchboard/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { classifySesError, type ProviderFailure } from '../src';

// SES (Query API) answers as this stand-in does; the real SDK parses the answer into its errors.
interface CannedAnswer {
  status: number;
  code: string;
  message: string;
}

describe('classifySesError with errors from the real SES client', () => {
  let server: Server;
  let answer: CannedAnswer;

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(answer.status, { 'content-type': 'text/xml' });
        response.end(
          `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type>` +
            `<Code>${answer.code}</Code><Message>${answer.message}</Message></Error>` +
            `<RequestId>6b2b1ee6-0000-4000-8000-000000000000</RequestId></ErrorResponse>`,
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function failureOfSend(endpoint: string): Promise<ProviderFailure> {
    const client = new SESClient({
      endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    try {
      await client.send(
        new SendEmailCommand({
          Source: 'shop@example.com',
          Destination: { ToAddresses: ['ada@example.com'] },
          Message: { Subject: { Data: 'Your order' }, Body: { Text: { Data: 'Shipped.' } } },
        }),
      );
    } catch (error) {
      return classifySesError(error);
    } finally {
      client.destroy();
    }
    throw new Error('the send was expected to fail');
  }

  const endpoint = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  it.each([
    [400, 'MessageRejected', 'permanent'],
    [400, 'MailFromDomainNotVerifiedException', 'permanent'],
    [400, 'AccountSendingPausedException', 'permanent'],
    [400, 'Throttling', 'throttled'],
    [400, 'MaxSendingRateExceeded', 'throttled'],
    [500, 'InternalFailure', 'transient'],
    [503, 'ServiceUnavailable', 'transient'],
    [403, 'SignatureDoesNotMatch', 'permanent'],
  ])('HTTP %i %s is %s', async (status, code, kind) => {
    answer = { status, code, message: 'The following identities failed the check: ada@example.com' };
    const failure = await failureOfSend(endpoint());
    expect(failure.kind).toBe(kind);
    expect(failure.code).toBe(code.replace(/Exception$/, ''));
    expect(failure.reason).toBe('The following identities failed the check: a***@example.com');
  });

  it('treats a refused connection as transient', async () => {
    const closedPort = await freePort();
    expect(await failureOfSend(`http://127.0.0.1:${closedPort}`)).toMatchObject({
      kind: 'transient',
      code: 'ECONNREFUSED',
    });
  });
});
