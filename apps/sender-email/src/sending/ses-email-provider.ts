import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { SpanKind } from '@opentelemetry/api';
import type { EmailDispatch } from '@switchboard/contracts';
import { classifySesError, type ProviderFailure } from '@switchboard/delivery';
import { inTraceOfMessage } from '@switchboard/messaging';
import type { ChannelProvider, ProviderSendContext, ProviderSendResult } from '@switchboard/sender-kit';
import { inSpan } from '@switchboard/telemetry';

/** Amazon SES in one region (or an emulator at a configured endpoint), through the V1 SendEmail action. */
export class SesEmailProvider implements ChannelProvider<EmailDispatch> {
  constructor(
    readonly name: string,
    private readonly client: SESClient,
    private readonly from: string,
  ) {}

  send(dispatch: EmailDispatch, context: ProviderSendContext): Promise<ProviderSendResult> {
    const attributes = {
      'messaging.message.id': dispatch.messageId,
      'switchboard.tenant': dispatch.tenantId,
      'switchboard.provider': this.name,
      'switchboard.attempt': context.attempt,
      'rpc.system': 'aws-api',
      'rpc.service': 'SES',
      'rpc.method': 'SendEmail',
    };
    // Each call joins its message's trace, although the batch runs under a span of its own.
    return inTraceOfMessage(dispatch.messageId, () =>
      inSpan('ses SendEmail', { kind: SpanKind.CLIENT, attributes }, async () => {
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
          { abortSignal: context.signal },
        );
        if (!output.MessageId) throw new Error('SES answered SendEmail without a MessageId');
        return { providerMessageId: output.MessageId };
      }),
    );
  }

  classify(error: unknown): ProviderFailure {
    return classifySesError(error);
  }
}
