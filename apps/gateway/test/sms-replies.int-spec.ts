import { randomUUID } from 'node:crypto';
import { startSnsEmulator, type SnsEmulator } from '@switchboard/testing';
import {
  signedNotification,
  testForgerKey,
  testSigningCertificate,
  type SnsFields,
} from './support/sns-messages';
import {
  startStubService,
  type StubService,
  type StubAnswer,
  type RecordedRequest,
} from './support/stub-service';
import { createTestGateway, type TestGateway } from './support/test-gateway';

const ACME_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:acme-sms-replies';
const GLOBEX_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:globex-sms-replies';
const TENANT_NUMBER = '+447700900000';

/** A fresh replying number per test, so that no test sees another's suppression. */
const newNumber = () => `+4477009${String(Math.floor(Math.random() * 100_000)).padStart(5, '0')}`;

/** The document two-way SMS puts in the Notification's Message. */
function inboundSms(originationNumber: string, body: string): string {
  return JSON.stringify({
    originationNumber,
    destinationNumber: TENANT_NUMBER,
    messageKeyword: body.trim().toUpperCase(),
    messageBody: body,
    inboundMessageId: randomUUID(),
    previousPublishedMessageId: '',
  });
}

const reply = (originationNumber: string, body: string, topicArn = ACME_TOPIC) =>
  signedNotification(inboundSms(originationNumber, body), { fields: { TopicArn: topicArn } });

/** The router's suppression API as far as SMS replies use it: numbers stopped per tenant. */
function routerAnswer(stopped: Set<string>, request: RecordedRequest): StubAnswer {
  const [, , , tenantId, , channel, address] = decodeURIComponent(request.path.split('?')[0]).split('/');
  if (request.method === 'POST') {
    const body = request.body as { address: string; reason: string };
    const key = `${tenantId} ${body.address}`;
    const created = !stopped.has(key);
    stopped.add(key);
    return {
      status: created ? 201 : 200,
      body: {
        channel: 'sms',
        address: body.address,
        reason: body.reason,
        category: null,
        source: 'sms-reply',
        createdAt: new Date().toISOString(),
      },
    };
  }
  if (request.method === 'DELETE' && channel === 'sms') {
    return stopped.delete(`${tenantId} ${address}`)
      ? { status: 204 }
      : { status: 404, body: { status: 404, title: 'Not Found', code: 'SUPPRESSION_NOT_FOUND' } };
  }
  return { status: 404, body: { status: 404, title: 'Not Found' } };
}

describe('POST /v1/sms-replies (two-way SMS replies through an SNS subscription)', () => {
  let gateway: TestGateway;
  let router: StubService;
  let emulator: SnsEmulator;
  const stopped = new Set<string>();

  beforeAll(async () => {
    router = await startStubService((request) => routerAnswer(stopped, request));
    emulator = await startSnsEmulator();
    gateway = await createTestGateway({
      routerUrl: router.url,
      env: {
        SMS_REPLY_TOPICS: `${ACME_TOPIC}=acme,${GLOBEX_TOPIC}=globex`,
        // The emulator signs with the same test-only key as the signed fixtures.
        SNS_TRUSTED_SIGNING_CERTIFICATE_PEM: testSigningCertificate,
        LOG_LEVEL: 'debug',
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await emulator?.stop();
    await router?.close();
  });

  beforeEach(() => {
    router.requests.length = 0;
    router.answer = (request) => routerAnswer(stopped, request);
  });

  // As SNS sends it: JSON in a text/plain body, no API key.
  const post = (message: SnsFields, target: TestGateway = gateway) =>
    target.call('POST', '/v1/sms-replies', {
      apiKey: null,
      rawBody: JSON.stringify(message),
      contentType: 'text/plain; charset=UTF-8',
    });

  it('suppresses the replying number for the topic’s tenant on STOP, as an SMS reply', async () => {
    const number = newNumber();
    const stop = reply(number, ' Stop ');

    const answer = await post(stop);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ outcome: 'opted-out', snsMessageId: stop.MessageId, created: true });
    expect(router.requests).toEqual([
      {
        method: 'POST',
        path: '/internal/tenants/acme/suppressions',
        body: { channel: 'sms', address: number, reason: 'replied STOP', source: 'sms-reply' },
      },
    ]);
  });

  it('takes every opt-out word, the Chinese ones included, for the tenant of each topic', async () => {
    const words = ['STOPALL', 'unsubscribe', 'Cancel', 'END', 'quit', '退订', 'TD'];
    const numbers = words.map(() => newNumber());

    for (const [index, word] of words.entries()) {
      const answer = await post(reply(numbers[index], word, GLOBEX_TOPIC));
      expect(answer.body).toMatchObject({ outcome: 'opted-out', created: true });
    }

    expect(router.requests.map(({ path, body }) => [path, (body as { address: string }).address])).toEqual(
      numbers.map((number) => ['/internal/tenants/globex/suppressions', number]),
    );
  });

  it('lifts only the number’s own STOP on START, and says so when there was none', async () => {
    const number = newNumber();
    await post(reply(number, 'STOP'));

    const start = await post(reply(number, 'start'));
    const startAgain = await post(reply(number, 'UNSTOP'));

    expect(start.body).toMatchObject({ outcome: 'opted-in', lifted: true });
    expect(startAgain.status).toBe(200);
    expect(startAgain.body).toMatchObject({ outcome: 'opted-in', lifted: false });
    expect(router.requests.slice(1).map(({ method, path }) => `${method} ${path}`)).toEqual(
      Array(2).fill(
        `DELETE /internal/tenants/acme/suppressions/sms/${encodeURIComponent(number)}?source=sms-reply`,
      ),
    );
  });

  it('ignores any other reply without calling the router, and never logs the number', async () => {
    const number = newNumber();
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    let answers;
    try {
      answers = [await post(reply(number, 'STOP sending me these')), await post(reply(number, 'thanks!'))];
    } finally {
      spy.mockRestore();
    }

    expect(answers.map((answer) => answer.body)).toEqual([
      expect.objectContaining({ outcome: 'reply-ignored', reason: 'no-keyword' }),
      expect.objectContaining({ outcome: 'reply-ignored', reason: 'no-keyword' }),
    ]);
    expect(router.requests).toEqual([]);
    expect(written.join('')).toContain('no opt-out or opt-in keyword');
    expect(written.join('')).not.toContain(number.slice(1));
    expect(written.join('')).not.toContain('thanks');
  });

  it('handles an SNS message once: a redelivery is refused and changes nothing', async () => {
    const stop = reply(newNumber(), 'STOP');
    expect((await post(stop)).status).toBe(200);

    const again = await post(stop);

    expect(again.status).toBe(403);
    expect(again.body).toMatchObject({ code: 'SNS_MESSAGE_REJECTED', reason: 'replayed' });
    expect(router.requests).toHaveLength(1);
  });

  it('answers 503 while the router is unavailable, and takes SNS’s retry of the same message', async () => {
    const number = newNumber();
    const stop = reply(number, 'STOP');
    router.answer = () => ({ status: 503, body: { status: 503, title: 'Service Unavailable' } });

    const failed = await post(stop);
    router.answer = (request) => routerAnswer(stopped, request);
    const retried = await post(stop);

    expect(failed.status).toBe(503);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ outcome: 'opted-out', created: true });
    expect(stopped.has(`acme ${number}`)).toBe(true);
  });

  it('refuses a forged reply and one from a topic of no tenant, without calling the router', async () => {
    const forged = signedNotification(inboundSms(newNumber(), 'STOP'), {
      key: testForgerKey,
      fields: { TopicArn: ACME_TOPIC },
    });
    const unknownTopic = reply(
      newNumber(),
      'STOP',
      'arn:aws:sns:eu-west-1:210987654321:someone-elses-replies',
    );

    const forgedAnswer = await post(forged);
    const unknownAnswer = await post(unknownTopic);

    expect(forgedAnswer.status).toBe(403);
    expect(forgedAnswer.body).toMatchObject({ reason: 'bad-signature' });
    expect(unknownAnswer.status).toBe(403);
    expect(unknownAnswer.body).toMatchObject({ reason: 'topic-not-allowed' });
    expect(router.requests).toEqual([]);
  });

  it('takes a reply the SNS emulator delivers to its subscription', async () => {
    const number = newNumber();
    await emulator.subscribe(ACME_TOPIC, `${gateway.url}/v1/sms-replies`);

    const delivered = await emulator.simulateInboundSms({
      originationNumber: number,
      destinationNumber: TENANT_NUMBER,
      body: 'STOP',
      topicArn: ACME_TOPIC,
    });

    expect(delivered.deliveries).toEqual([
      {
        endpoint: `${gateway.url}/v1/sms-replies`,
        status: 200,
        body: expect.stringContaining('"opted-out"'),
      },
    ]);
    expect(router.requests.map(({ body }) => body)).toEqual([
      { channel: 'sms', address: number, reason: 'replied STOP', source: 'sms-reply' },
    ]);
  });

  it('declares in the OpenAPI document who may call: SNS by signature here, an API key for suppressions', async () => {
    const answer = await fetch(`${gateway.url}/docs-json`);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is asserted field by field
    const { paths } = (await answer.json()) as { paths: Record<string, Record<string, any>> };

    const replies = paths['/v1/sms-replies'].post;
    expect(replies.security).toBeUndefined();
    expect(replies.description).toContain('authenticated by its signature');
    expect(paths['/v1/suppressions'].get.security).toEqual([{ bearer: [] }]);
    expect(paths['/v1/suppressions/{channel}/{address}'].delete.security).toEqual([{ bearer: [] }]);
  });

  it('answers 404 when SMS_REPLY_TOPICS is not set', async () => {
    const unconfigured = await createTestGateway({
      broker: gateway.broker,
      database: gateway.database,
      routerUrl: router.url,
      env: { SNS_TRUSTED_SIGNING_CERTIFICATE_PEM: testSigningCertificate },
    });
    try {
      const answer = await post(reply(newNumber(), 'STOP'), unconfigured);

      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ code: 'SMS_REPLIES_NOT_CONFIGURED' });
      expect(router.requests).toEqual([]);
    } finally {
      await unconfigured.close();
    }
  });
});
