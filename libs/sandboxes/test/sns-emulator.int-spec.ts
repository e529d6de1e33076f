import {
  InvalidParameterException,
  OptedOutException,
  PublishCommand,
  SNSClient,
  SNSServiceException,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { connectToSnsEmulator, startSnsEmulator, type SnsEmulator } from '../src';

describe('startSnsEmulator', () => {
  let emulator: SnsEmulator;
  let sns: SNSClient;

  beforeAll(async () => {
    emulator = await startSnsEmulator();
    // One attempt per send, so that each injected failure reaches the test as it was answered.
    sns = new SNSClient({
      region: 'eu-west-1',
      endpoint: emulator.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    sns.destroy();
    await emulator.stop();
  });
  beforeEach(async () => {
    await emulator.faults.clear();
    await emulator.clear();
  });

  function publish(phoneNumber: string, message = 'Your code is 123456') {
    return sns.send(new PublishCommand({ PhoneNumber: phoneNumber, Message: message }));
  }

  it('keeps an SMS published with the AWS SDK, with its attributes and the MessageId the SDK got', async () => {
    const published = await sns.send(
      new PublishCommand({
        PhoneNumber: '+14155550100',
        Message: 'Your parcel arrives today: 10–12 €',
        MessageAttributes: {
          'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'Switchboard' },
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          'AWS.SNS.SMS.MaxPrice': { DataType: 'Number', StringValue: '0.50' },
        },
      }),
    );

    const sent = await emulator.sentSms();

    expect(published.MessageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(published.$metadata.requestId).toEqual(expect.any(String));
    expect(sent).toEqual([
      {
        messageId: published.MessageId,
        phoneNumber: '+14155550100',
        message: 'Your parcel arrives today: 10–12 €',
        attributes: {
          'AWS.SNS.SMS.SenderID': { dataType: 'String', value: 'Switchboard' },
          'AWS.SNS.SMS.SMSType': { dataType: 'String', value: 'Transactional' },
          'AWS.SNS.SMS.MaxPrice': { dataType: 'Number', value: '0.50' },
        },
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      },
    ]);
  });

  it('refuses a number that is not E.164 and a bad SMS type as InvalidParameter', async () => {
    const badNumber = publish('0155 555 0100');
    await expect(badNumber).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(badNumber).rejects.toThrow(
      'Invalid parameter: PhoneNumber Reason: 0155 555 0100 is not valid to publish to',
    );

    const badType = sns.send(
      new PublishCommand({
        PhoneNumber: '+14155550100',
        Message: 'hi',
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Urgent' } },
      }),
    );
    await expect(badType).rejects.toMatchObject({
      name: 'InvalidParameterException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(await emulator.sentSms()).toEqual([]);
  });

  it('answers 500 or 503 on demand, which the SDK reports with that status', async () => {
    await emulator.faults.set({ status: 503 });

    const error = await publish('+14155550100').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SNSServiceException);
    expect(error).toMatchObject({
      name: 'ServiceUnavailable',
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
    });

    await emulator.faults.set({ failureRate: 1 });
    await expect(publish('+14155550100')).rejects.toMatchObject({
      name: 'InternalErrorException',
      $metadata: { httpStatusCode: 500 },
    });
    expect(await emulator.sentSms()).toEqual([]);
    expect(
      (await emulator.attempts()).map((attempt) => [attempt.outcome, attempt.status, attempt.errorCode]),
    ).toEqual([
      ['failed', 503, 'ServiceUnavailable'],
      ['failed', 500, 'InternalError'],
    ]);
  });

  it('throttles and refuses opted-out numbers with the exceptions of the SDK', async () => {
    await emulator.faults.set({ optedOut: ['+447700900123'] });

    await expect(publish('+447700900123')).rejects.toBeInstanceOf(OptedOutException);
    await publish('+447700900124');

    await emulator.faults.set({ throttle: true });
    const throttled = await publish('+447700900124').catch((caught: unknown) => caught);
    expect(throttled).toBeInstanceOf(ThrottledException);
    expect(throttled).toMatchObject({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
    expect((await emulator.sentSms()).map((sms) => sms.phoneNumber)).toEqual(['+447700900124']);
  });

  it('fails the same share of calls for the same seed, and the SDK retries get through', async () => {
    const outcomes = async () => {
      await emulator.faults.set({ failureRate: 0.5, seed: 42 });
      const results = [];
      for (let index = 0; index < 20; index++) {
        results.push(
          await publish('+14155550100').then(
            () => 'sent',
            () => 'failed',
          ),
        );
      }
      return results;
    };
    const first = await outcomes();
    const second = await outcomes();

    expect(second).toEqual(first);
    expect(first.filter((outcome) => outcome === 'failed').length).toBeGreaterThan(3);
    expect(first.filter((outcome) => outcome === 'sent').length).toBeGreaterThan(3);

    // The SDK retries a 5xx: with the same seed again, it gets through at the first call the draw lets pass.
    await emulator.faults.set({ failureRate: 0.5, seed: 42 });
    await emulator.clear();
    const retrying = new SNSClient({
      region: 'eu-west-1',
      endpoint: emulator.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 20,
    });
    try {
      const published = await retrying.send(
        new PublishCommand({ PhoneNumber: '+14155550100', Message: 'retried' }),
      );
      expect(published.$metadata.attempts).toBe(first.indexOf('sent') + 1);
      expect((await emulator.attempts()).length).toBe(published.$metadata.attempts);
      expect((await emulator.sentSms()).map((sms) => sms.message)).toEqual(['retried']);
    } finally {
      retrying.destroy();
    }
  });

  it('is read, cleared and given faults from another process by its endpoint', async () => {
    const remote = connectToSnsEmulator(emulator.endpoint);
    await remote.faults.set({ optedOut: ['+14155550199'], latencyMs: 10 });
    expect(await emulator.faults.get()).toEqual({ optedOut: ['+14155550199'], latencyMs: 10 });
    await publish('+14155550100', 'one');

    expect((await remote.sentSms()).map((sms) => sms.message)).toEqual(['one']);
    await remote.clear();
    expect(await emulator.sentSms()).toEqual([]);
  });

  it('refuses invalid faults, naming the field', async () => {
    await expect(emulator.faults.set({ failureRate: 2 })).rejects.toThrow(/HTTP 400.*failureRate/);
    await expect(emulator.faults.set({ throttle: true, status: 500 })).rejects.toThrow(
      /status and throttle: choose one way of failing/,
    );
    await expect(emulator.faults.set({ optedOut: ['0155'] } as never)).rejects.toThrow(
      /optedOut\.0: must be E\.164/,
    );
  });

  it('shows the outbox as a web page', async () => {
    await publish('+14155550100', 'Hello <b>there</b>');

    const response = await fetch(emulator.viewerUrl);
    const page = await response.text();

    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page).toContain('+14155550100');
    expect(page).toContain('Hello &#60;b&#62;there&#60;/b&#62;');
  });
});
