import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { SpanKind } from '@opentelemetry/api';
import type { EmailDispatch } from '@switchboard/contracts';
import { inSpan } from '@switchboard/telemetry';
import type { EmailProvider } from './email-provider';

/** Amazon SES (or an emulator at a configured endpoint) through the V1 SendEmail action. */
export class SesEmailProvider implements EmailProvider {
  readonly name = 'ses';

  constructor(
    private readonly client: SESClient,
    private readonly from: string,
  ) {}

  send(dispatch: EmailDispatch): Promise<{ providerMessageId: string }> {
    const attributes = {
      'messaging.message.id': dispatch.messageId,
      'switchboard.tenant': dispatch.tenantId,
      'rpc.system': 'aws-api',
      'rpc.service': 'SES',
      'rpc.method': 'SendEmail',
    };
    return inSpan('ses SendEmail', { kind: SpanKind.CLIENT, attributes }, async () => {
      const output = await this.client.send(
        new SendEmailCommand({
          Source: this.from,
          Destination: { ToAddresses: [dispatch.to] },
          Message: {
            Subject: { Data: dispatch.subject, Charset: 'UTF-8' },
            Body: {
              Html: { Data: dispatch.html, Charset: 'UTF-8' },
              Text: { Data: dispatch.text, Charset: 'UTF-8' },
            },
          },
        }),
      );
      if (!output.MessageId) throw new Error('SES answered SendEmail without a MessageId');
      return { providerMessageId: output.MessageId };
    });
  }
}
