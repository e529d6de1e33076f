import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import { SpanKind } from '@opentelemetry/api';
import type { SmsDispatch } from '@switchboard/contracts';
import { classifySnsError, type ProviderFailure } from '@switchboard/delivery';
import { inTraceOfMessage } from '@switchboard/messaging';
import { measureSms } from '@switchboard/rendering';
import type { ChannelProvider, ProviderSendContext, ProviderSendResult } from '@switchboard/sender-kit';
import { inSpan } from '@switchboard/telemetry';

/** Amazon SNS (or an emulator at a configured endpoint): Publish straight to a phone number. */
export class SnsSmsProvider implements ChannelProvider<SmsDispatch> {
  constructor(
    readonly name: string,
    private readonly client: SNSClient,
  ) {}

  send(dispatch: SmsDispatch, context: ProviderSendContext): Promise<ProviderSendResult> {
    const measure = measureSms(dispatch.text);
    const attributes = {
      'messaging.message.id': dispatch.messageId,
      'switchboard.tenant': dispatch.tenantId,
      'switchboard.provider': this.name,
      'switchboard.attempt': context.attempt,
      'rpc.system': 'aws-api',
      'rpc.service': 'SNS',
      'rpc.method': 'Publish',
    };
    // Each call joins its message's trace, although the batch runs under a span of its own.
    return inTraceOfMessage(dispatch.messageId, () =>
      inSpan('sns Publish', { kind: SpanKind.CLIENT, attributes }, async () => {
        const output = await this.client.send(
          new PublishCommand({
            PhoneNumber: dispatch.to,
            Message: dispatch.text,
            MessageAttributes: smsAttributes(dispatch),
          }),
          { abortSignal: context.signal },
        );
        if (!output.MessageId) throw new Error('SNS answered Publish without a MessageId');
        return {
          providerMessageId: output.MessageId,
          detail: { encoding: measure.encoding, segments: measure.segments },
        };
      }),
    );
  }

  classify(error: unknown): ProviderFailure {
    return classifySnsError(error);
  }
}

function smsAttributes(dispatch: SmsDispatch): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {
    'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: dispatch.smsType },
  };
  if (dispatch.senderId) {
    attributes['AWS.SNS.SMS.SenderID'] = { DataType: 'String', StringValue: dispatch.senderId };
  }
  return attributes;
}
