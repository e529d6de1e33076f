import { MessageRejected, SESClient, SESServiceException, SendEmailCommand } from '@aws-sdk/client-ses';
import {
  connectToSesEmulator,
  connectToSesFaultProxy,
  startSesEmulator,
  startSesFaultProxy,
  type SesEmulator,
  type SesFaultProxy,
} from '../src';

describe('startSesFaultProxy', () => {
  let emulator: SesEmulator;
  let proxy: SesFaultProxy;
  let ses: SESClient;

  beforeAll(async () => {
    emulator = await startSesEmulator();
    proxy = await startSesFaultProxy({ target: emulator.endpoint });
    ses = sesClient(1);
  });
  afterAll(async () => {
    ses.destroy();
    await proxy.stop();
    await emulator.stop();
  });
  beforeEach(async () => {
    await proxy.faults.clear();
    await proxy.clearAttempts();
    await emulator.clear();
  });

  function sesClient(maxAttempts: number): SESClient {
    return new SESClient({
      region: 'us-east-1',
      endpoint: proxy.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts,
    });
  }

  function sendEmail(client: SESClient, subject: string) {
    return client.send(
      new SendEmailCommand({
        Source: 'noreply@example.com',
        Destination: { ToAddresses: ['ada@example.com'] },
        Message: { Subject: { Data: subject }, Body: { Text: { Data: 'body' } } },
      }),
    );
  }

  it('passes sends through to the emulator while no fault is set, and logs them', async () => {
    const sent = await sendEmail(ses, 'Your order shipped');

    expect((await emulator.sentEmails()).map((email) => [email.messageId, email.subject])).toEqual([
      [sent.MessageId, 'Your order shipped'],
    ]);
    expect(await proxy.attempts()).toEqual([
      {
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        action: 'SendEmail',
        source: 'noreply@example.com',
        to: ['ada@example.com'],
        subject: 'Your order shipped',
        outcome: 'sent',
        status: 200,
        messageId: sent.MessageId,
      },
    ]);
    // The outbox is reachable through the proxy too.
    expect(await connectToSesEmulator(proxy.endpoint).sentEmails()).toHaveLength(1);
  });

  it('answers 5xx on demand, which the SDK reports with that status', async () => {
    await proxy.faults.set({ status: 503 });

    const error = await sendEmail(ses, 'down').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SESServiceException);
    expect(error).toMatchObject({
      name: 'ServiceUnavailable',
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
    });
    await proxy.faults.set({ failureRate: 1 });
    await expect(sendEmail(ses, 'down')).rejects.toMatchObject({
      name: 'InternalFailure',
      $metadata: { httpStatusCode: 500 },
    });
    expect(await emulator.sentEmails()).toEqual([]);
  });

  it('answers Throttling and MessageRejected as SES does', async () => {
    await proxy.faults.set({ throttle: true });
    await expect(sendEmail(ses, 'slow down')).rejects.toMatchObject({
      name: 'Throttling',
      message: 'Maximum sending rate exceeded.',
      $metadata: { httpStatusCode: 400 },
    });

    await proxy.faults.set({ reject: true });
    const rejected = await sendEmail(ses, 'rejected').catch((caught: unknown) => caught);
    expect(rejected).toBeInstanceOf(MessageRejected);
    expect((rejected as MessageRejected).message).toContain('ada@example.com');

    expect(
      (await proxy.attempts()).map((attempt) => [attempt.subject, attempt.outcome, attempt.errorCode]),
    ).toEqual([
      ['slow down', 'failed', 'Throttling'],
      ['rejected', 'failed', 'MessageRejected'],
    ]);
  });

  it('logs every call of a retried message, so a test can count them and see the pace', async () => {
    const retrying = sesClient(5);
    try {
      await proxy.faults.set({ failureRate: 0.6, seed: 7 });
      const sent = await sendEmail(retrying, 'retried');

      const attempts = (await proxy.attempts()).filter((attempt) => attempt.subject === 'retried');
      // Seed 7 at 60% fails the first two calls and lets the third through.
      expect(attempts.map((attempt) => attempt.outcome)).toEqual(['failed', 'failed', 'sent']);
      expect(attempts).toHaveLength(sent.$metadata.attempts as number);
      expect(attempts.at(-1)).toMatchObject({ outcome: 'sent', messageId: sent.MessageId });
      expect(attempts.slice(0, -1).every((attempt) => attempt.status === 500)).toBe(true);
      const times = attempts.map((attempt) => Date.parse(attempt.at));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    } finally {
      retrying.destroy();
    }
  });

  it('is given faults and read from another process', async () => {
    const remote = connectToSesFaultProxy(proxy.endpoint);
    await remote.faults.set({ reject: true, failureRate: 1, latencyMs: 5 });

    await expect(sendEmail(ses, 'remote')).rejects.toBeInstanceOf(MessageRejected);
    expect(await proxy.faults.get()).toEqual({ reject: true, failureRate: 1, latencyMs: 5 });
    expect(await remote.attempts()).toHaveLength(1);
    await expect(remote.faults.set({ reject: true, throttle: true })).rejects.toThrow(
      /throttle and reject: choose one way of failing/,
    );
  });
});
