import { MessageRejected, SendEmailCommand, SESServiceException, type SESClient } from '@aws-sdk/client-ses';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { EmailDispatch } from '@switchboard/contracts';
import { SesEmailProvider } from './ses-email-provider';
import type { SesV2EmailApi } from './ses-v2-email-api';

const dispatch: EmailDispatch = {
  tenantId: 'acme',
  messageId: '0f6b7d4e-3c52-4d8e-9a41-2b1c8e5f7a10',
  to: 'ada@example.com',
  subject: 'Your order shipped',
  html: '<p>Hi</p>',
  text: 'Hi',
};

const metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

describe('SesEmailProvider', () => {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });

  beforeAll(() => trace.setGlobalTracerProvider(tracerProvider));
  afterAll(() => trace.disable());
  beforeEach(() => spans.reset());

  function clientAnswering(answer: (command: SendEmailCommand) => Promise<unknown>) {
    const calls: Array<{ command: SendEmailCommand; options: { abortSignal?: AbortSignal } }> = [];
    const client = {
      send: (command: SendEmailCommand, options: { abortSignal?: AbortSignal }) => {
        calls.push({ command, options });
        return answer(command);
      },
    } as unknown as SESClient;
    return { client, calls };
  }

  it('sends from the configured address with html and text, inside a client span, abortable', async () => {
    const { client, calls } = clientAnswering(async () => ({ MessageId: 'ses-42' }));
    const provider = new SesEmailProvider('ses-eu-west-1', client, 'Switchboard <noreply@example.com>');
    const signal = new AbortController().signal;

    await expect(provider.send(dispatch, { attempt: 2, signal })).resolves.toEqual({
      providerMessageId: 'ses-42',
    });

    expect(calls[0].command.input).toEqual({
      Source: 'Switchboard <noreply@example.com>',
      Destination: { ToAddresses: ['ada@example.com'] },
      Message: {
        Subject: { Data: 'Your order shipped', Charset: 'UTF-8' },
        Body: { Html: { Data: '<p>Hi</p>', Charset: 'UTF-8' }, Text: { Data: 'Hi', Charset: 'UTF-8' } },
      },
    });
    expect(calls[0].options.abortSignal).toBe(signal);
    const [span] = spans.getFinishedSpans();
    expect(span.name).toBe('ses SendEmail');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      'rpc.service': 'SES',
      'messaging.message.id': dispatch.messageId,
      'switchboard.provider': 'ses-eu-west-1',
      'switchboard.attempt': 2,
    });
  });

  it("rethrows SES's error as it came, recording it on the span", async () => {
    const rejected = new MessageRejected({ message: 'Email address is not verified.', ...metadata(400) });
    const { client } = clientAnswering(async () => {
      throw rejected;
    });
    const provider = new SesEmailProvider('ses-eu-west-1', client, 'noreply@example.com');
    await expect(provider.send(dispatch, { attempt: 1, signal: new AbortController().signal })).rejects.toBe(
      rejected,
    );
    expect(spans.getFinishedSpans()[0].status.code).toBe(SpanStatusCode.ERROR);
  });

  it('gives up on a rejected message, slows down when throttled and retries a server fault', () => {
    const provider = new SesEmailProvider('ses-eu-west-1', clientAnswering(async () => ({})).client, 'a@b.c');
    const rejected = new MessageRejected({ message: 'Email address is not verified.', ...metadata(400) });
    const serviceError = (name: string, status: number) =>
      new SESServiceException({
        name,
        message: name,
        $fault: status >= 500 ? 'server' : 'client',
        ...metadata(status),
      });
    expect(provider.classify(rejected)).toMatchObject({
      kind: 'permanent',
      code: 'MessageRejected',
      reason: 'Email address is not verified.',
    });
    expect(provider.classify(serviceError('MailFromDomainNotVerifiedException', 400)).kind).toBe('permanent');
    expect(provider.classify(serviceError('Throttling', 400)).kind).toBe('throttled');
    expect(provider.classify(serviceError('ServiceUnavailable', 503))).toMatchObject({
      kind: 'transient',
      code: 'ServiceUnavailable',
    });
  });

  it('sends an email with unsubscribe links through SES v2 with the RFC 8058 headers', async () => {
    const { client, calls } = clientAnswering(async () => ({ MessageId: 'v1' }));
    const sent: unknown[] = [];
    const v2 = {
      sendEmail: async (email: unknown) => {
        sent.push(email);
        return { messageId: 'ses-v2-7' };
      },
    } as unknown as SesV2EmailApi;
    const provider = new SesEmailProvider('ses-eu-west-1', client, 'noreply@example.com', v2);
    const listUnsubscribe = {
      url: 'https://mail.example.com/v1/unsubscribe/abc.def',
      preferencesUrl: 'https://mail.example.com/preferences/ghi.jkl',
    };

    await expect(
      provider.send({ ...dispatch, listUnsubscribe }, { attempt: 1, signal: new AbortController().signal }),
    ).resolves.toEqual({ providerMessageId: 'ses-v2-7' });

    expect(calls).toHaveLength(0);
    expect(sent).toEqual([
      {
        from: 'noreply@example.com',
        to: 'ada@example.com',
        subject: 'Your order shipped',
        html: '<p>Hi</p>',
        text: 'Hi',
        headers: [
          { name: 'List-Unsubscribe', value: '<https://mail.example.com/v1/unsubscribe/abc.def>' },
          { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
        ],
      },
    ]);
  });
});
