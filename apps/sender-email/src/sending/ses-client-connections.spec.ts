import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { awsClientConfig } from '@switchboard/sender-kit';
import { waitFor } from '@switchboard/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const SEND_EMAIL_RESPONSE = `<SendEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/">
  <SendEmailResult><MessageId>m-1</MessageId></SendEmailResult>
  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
</SendEmailResponse>`;

/**
 * An SES endpoint that keeps connections alive for `keepAliveMs` (announced as Node's server does,
 * `Keep-Alive: timeout=N`), and notes who closed each one: 'end' is the client's FIN, and a server
 * closing on its own timeout destroys the socket without one.
 */
async function startSesEndpoint(keepAliveMs: number) {
  const closes: Array<{ by: 'client' | 'server'; idleMs: number }> = [];
  let lastAnswerAt = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(SEND_EMAIL_RESPONSE, () => (lastAnswerAt = Date.now()));
    });
  });
  server.keepAliveTimeout = keepAliveMs;
  server.on('connection', (socket) => {
    let by: 'client' | 'server' = 'server';
    socket.on('end', () => (by = 'client'));
    socket.on('close', () => closes.push({ by, idleMs: Date.now() - lastAnswerAt }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, endpoint: `http://127.0.0.1:${port}`, closes };
}

describe('the SES client as a sender configures it', () => {
  it("closes an idle connection before the server's keep-alive timeout, so no call goes out on one the server closed", async () => {
    const ses = await startSesEndpoint(3000);
    const client = new SESClient(awsClientConfig({ region: 'eu-west-1', endpoint: ses.endpoint }));
    try {
      const sent = await client.send(
        new SendEmailCommand({
          Source: 'noreply@example.com',
          Destination: { ToAddresses: ['ada@example.com'] },
          Message: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'Hi' } } },
        }),
      );
      expect(sent.MessageId).toBe('m-1');

      await waitFor('the idle connection closed', () => ses.closes.length > 0, 10_000);
      // A second before the server would have: a call made then cannot meet a closing connection.
      expect(ses.closes[0].by).toBe('client');
      expect(ses.closes[0].idleMs).toBeLessThan(3000);
    } finally {
      client.destroy();
      ses.server.close();
    }
  });
});
