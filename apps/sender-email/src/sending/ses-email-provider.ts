import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { SpanKind } from '@opentelemetry/api';
import type { EmailDispatch } from '@switchboard/contracts';
import { classifySesError, type ProviderFailure } from '@switchboard/delivery';
import { inTraceOfMessage } from '@switchboard/messaging';
import type { ChannelProvider, ProviderSendContext, ProviderSendResult } from '@switchboard/sender-kit';
import { inSpan } from '@switchboard/telemetry';
import { SesV2EmailApi } from './ses-v2-email-api';

// RFC 8058: the provider POSTs this body to the List-Unsubscribe URL, with no login.
const ONE_CLICK = 'List-Unsubscribe=One-Click';

/**
 * Amazon SES in one region (or an emulator at a configured endpoint): API v1 SendEmail, or API v2
 * SendEmail for an email with one-click unsubscribe headers, which v1 cannot carry.
 */
export class SesEmailProvider implements ChannelProvider<EmailDispatch> {
  private readonly v2: SesV2EmailApi;

  constructor(
    readonly name: string,
    private readonly client: SESClient,
    private readonly from: string,
    v2?: SesV2EmailApi,
  ) {
    this.v2 = v2 ?? new SesV2EmailApi(client);
  }

  send(dispatch: EmailDispatch, context: ProviderSendContext): Promise<ProviderSendResult> {
    if (dispatch.listUnsubscribe)
      return this.sendWithUnsubscribeHeaders(dispatch, dispatch.listUnsubscribe.url, context);
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

  private sendWithUnsubscribeHeaders(
    dispatch: EmailDispatch,
    url: string,
    context: ProviderSendContext,
  ): Promise<ProviderSendResult> {
    const attributes = {
      'messaging.message.id': dispatch.messageId,
      'switchboard.tenant': dispatch.tenantId,
      'switchboard.provider': this.name,
      'switchboard.attempt': context.attempt,
      'rpc.system': 'aws-api',
      'rpc.service': 'SESv2',
      'rpc.method': 'SendEmail',
    };
    return inTraceOfMessage(dispatch.messageId, () =>
      inSpan('ses SendEmail', { kind: SpanKind.CLIENT, attributes }, async () => {
        const { messageId } = await this.v2.sendEmail(
          {
            from: this.from,
            to: dispatch.to,
            subject: dispatch.subject,
            html: dispatch.html,
            text: dispatch.text,
            headers: [
              { name: 'List-Unsubscribe', value: `<${url}>` },
              { name: 'List-Unsubscribe-Post', value: ONE_CLICK },
            ],
          },
          context.signal,
        );
        return { providerMessageId: messageId };
      }),
    );
  }

  classify(error: unknown): ProviderFailure {
    return classifySesError(error);
  }
}
