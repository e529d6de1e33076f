import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RejectingSesProxy {
  endpoint: string;
  close(): Promise<void>;
}

const MESSAGE_REJECTED = `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/">
  <Error><Type>Sender</Type><Code>MessageRejected</Code><Message>Email address is not verified.</Message></Error>
  <RequestId>00000000-0000-0000-0000-000000000000</RequestId>
</ErrorResponse>`;

const SERVICE_UNAVAILABLE = `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/">
  <Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>Service is unavailable.</Message></Error>
  <RequestId>00000000-0000-0000-0000-000000000000</RequestId>
</ErrorResponse>`;

/** Calls for an "unavailable" recipient that fail: one whole try of the SDK, which retries 3 times itself. */
const UNAVAILABLE_CALLS = 3;

/**
 * Stands in front of the SES emulator and answers as real SES does for an unverified address
 * (HTTP 400, MessageRejected) when the recipient starts with "rejected", and with HTTP 503
 * ServiceUnavailable to the first UNAVAILABLE_CALLS calls for a recipient that starts with
 * "unavailable"; anything else passes through.
 */
export async function startRejectingSesProxy(emulatorEndpoint: string): Promise<RejectingSesProxy> {
  const target = new URL(emulatorEndpoint);
  const unavailableCalls = new Map<string, number>();
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const recipient =
        new URLSearchParams(body.toString('utf8')).get('Destination.ToAddresses.member.1') ?? '';
      if (recipient.startsWith('rejected')) {
        outgoing.writeHead(400, { 'content-type': 'text/xml' }).end(MESSAGE_REJECTED);
        return;
      }
      if (recipient.startsWith('unavailable')) {
        const calls = (unavailableCalls.get(recipient) ?? 0) + 1;
        unavailableCalls.set(recipient, calls);
        if (calls <= UNAVAILABLE_CALLS) {
          outgoing.writeHead(503, { 'content-type': 'text/xml' }).end(SERVICE_UNAVAILABLE);
          return;
        }
      }
      const forwarded = request(
        {
          host: target.hostname,
          port: target.port,
          path: incoming.url,
          method: incoming.method,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on('error', (error) => outgoing.writeHead(502).end(error.message));
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
