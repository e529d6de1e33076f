import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { connectToSesEmulator, startSesEmulator, type SesEmulator } from '../src';

describe('startSesEmulator', () => {
  let emulator: SesEmulator;
  let ses: SESClient;

  beforeAll(async () => {
    emulator = await startSesEmulator();
    ses = new SESClient({
      region: 'us-east-1',
      endpoint: emulator.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    ses.destroy();
    await emulator.stop();
  });
  beforeEach(() => emulator.clear());

  it('keeps an email sent with the AWS SDK, as the SDK was told it was sent', async () => {
    const sent = await ses.send(
      new SendEmailCommand({
        Source: 'Switchboard <noreply@example.com>',
        Destination: { ToAddresses: ['ada@example.com'], CcAddresses: ['ops@example.com'] },
        Message: {
          Subject: { Data: 'Your order shipped' },
          Body: { Html: { Data: '<p>On its way.</p>' }, Text: { Data: 'On its way.' } },
        },
      }),
    );

    const emails = await emulator.sentEmails();

    expect(emails).toEqual([
      {
        messageId: sent.MessageId,
        from: 'Switchboard <noreply@example.com>',
        to: ['ada@example.com'],
        cc: ['ops@example.com'],
        bcc: [],
        subject: 'Your order shipped',
        html: '<p>On its way.</p>',
        text: 'On its way.',
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
      },
    ]);
    expect(Math.abs(Date.parse(emails[0].at) - Date.now())).toBeLessThan(60_000);
  });

  it('clear() empties the outbox, also when reached from another process by its endpoint', async () => {
    await ses.send(
      new SendEmailCommand({
        Source: 'noreply@example.com',
        Destination: { ToAddresses: ['ada@example.com'] },
        Message: { Subject: { Data: 'Text only' }, Body: { Text: { Data: 'plain' } } },
      }),
    );
    const mailbox = connectToSesEmulator(emulator.endpoint);
    expect((await mailbox.sentEmails()).map((email) => [email.subject, email.html, email.text])).toEqual([
      ['Text only', undefined, 'plain'],
    ]);

    await mailbox.clear();

    expect(await emulator.sentEmails()).toEqual([]);
  });

  it('shows every recipient and the custom headers of an SES V2 SendEmail', async () => {
    // @aws-sdk/client-sesv2 is not a dependency; this is the request it would send, unsigned.
    const response = await fetch(`${emulator.endpoint}/v2/email/outbound-emails`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'AWS4-HMAC-SHA256 Credential=local' },
      body: JSON.stringify({
        FromEmailAddress: 'noreply@example.com',
        Destination: { ToAddresses: ['ada@example.com', 'grace@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: 'Weekly digest' },
            Body: { Html: { Data: '<p>digest</p>' } },
            Headers: [{ Name: 'List-Unsubscribe', Value: '<https://example.com/u/1>' }],
          },
        },
      }),
    });
    expect(response.status).toBe(200);

    const [email] = await emulator.sentEmails();

    expect(email.to).toEqual(['ada@example.com', 'grace@example.com']);
    expect(email.headers).toEqual([{ name: 'List-Unsubscribe', value: '<https://example.com/u/1>' }]);
  });

  it('serves the mail viewer', async () => {
    const response = await fetch(emulator.viewerUrl);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('refuses to start on a port that is taken, naming it', async () => {
    const port = Number(new URL(emulator.endpoint).port);

    await expect(startSesEmulator({ port })).rejects.toThrow(
      `the SES emulator could not listen on 127.0.0.1:${port} (is the port taken?)`,
    );
  });
});
