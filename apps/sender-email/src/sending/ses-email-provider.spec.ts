import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { EmailDispatch } from '@switchboard/contracts';
import { SesEmailProvider } from './ses-email-provider';

const dispatch: EmailDispatch = {
  tenantId: 'acme',
  messageId: '0f6b7d4e-3c52-4d8e-9a41-2b1c8e5f7a10',
  to: 'ada@example.com',
  subject: 'Your order shipped',
  html: '<p>Hi</p>',
  text: 'Hi',
};

describe('SesEmailProvider', () => {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });

  beforeAll(() => trace.setGlobalTracerProvider(tracerProvider));
  afterAll(() => trace.disable());
  beforeEach(() => spans.reset());

  function clientAnswering(answer: (command: SendEmailCommand) => Promise<unknown>) {
    const commands: SendEmailCommand[] = [];
    const client = {
      send: (command: SendEmailCommand) => {
        commands.push(command);
        return answer(command);
      },
    } as unknown as SESClient;
    return { client, commands };
  }

  it('sends from the configured address with html and text, inside a client span', async () => {
    const { client, commands } = clientAnswering(async () => ({ MessageId: 'ses-42' }));
    const provider = new SesEmailProvider(client, 'Switchboard <noreply@example.com>');

    await expect(provider.send(dispatch)).resolves.toEqual({ providerMessageId: 'ses-42' });

    expect(commands[0].input).toEqual({
      Source: 'Switchboard <noreply@example.com>',
      Destination: { ToAddresses: ['ada@example.com'] },
      Message: {
        Subject: { Data: 'Your order shipped', Charset: 'UTF-8' },
        Body: { Html: { Data: '<p>Hi</p>', Charset: 'UTF-8' }, Text: { Data: 'Hi', Charset: 'UTF-8' } },
      },
    });
    const [span] = spans.getFinishedSpans();
    expect(span.name).toBe('ses SendEmail');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      'rpc.service': 'SES',
      'messaging.message.id': dispatch.messageId,
    });
  });

  it("rethrows SES's error as it came, recording it on the span", async () => {
    const rejected = Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' });
    const { client } = clientAnswering(async () => {
      throw rejected;
    });
    await expect(new SesEmailProvider(client, 'noreply@example.com').send(dispatch)).rejects.toBe(rejected);
    expect(spans.getFinishedSpans()[0].status.code).toBe(SpanStatusCode.ERROR);
  });
});
