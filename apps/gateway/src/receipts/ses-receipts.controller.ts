import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ReceiptError } from './receipt-error';
import { ReceiveSnsMessage, type SnsMessageOutcome } from './receive-sns-message.usecase';
import { SNS_TEXT_BODY_ROUTE } from './sns-text-body';

type Rejected = Extract<SnsMessageOutcome, { outcome: 'rejected' }>;
type Handled = Exclude<SnsMessageOutcome, Rejected>;

// No API key: SNS cannot send one. The message's signature is the authentication.
@ApiTags('receipts')
@Controller('v1/receipts')
export class SesReceiptsController {
  constructor(private readonly receiveSnsMessage: ReceiveSnsMessage) {}

  @Post('ses')
  @HttpCode(200)
  @RouteConfig({ [SNS_TEXT_BODY_ROUTE]: true })
  @ApiOperation({
    summary: 'Endpoint of the SNS subscription that carries SES bounces, complaints and deliveries',
    description:
      'For Amazon SNS only: the body is an SNS message (text/plain JSON), authenticated by its signature. ' +
      '200 once the receipt is on sb.receipts.email.v1; 403 for a message refused (reason names why); ' +
      '503 when it could not be handled now, so that SNS retries.',
  })
  @ApiConsumes('text/plain', 'application/json')
  @ApiOkResponse({ description: 'handled: receipt published, notification ignored, subscription confirmed' })
  @ApiResponse({ status: 403, description: 'refused: not a genuine, fresh SNS message of an allowed topic' })
  @ApiResponse({ status: 503, description: 'certificate, broker or SNS unavailable; SNS retries' })
  async receive(@Body() body: unknown): Promise<Handled> {
    const outcome = await this.receiveSnsMessage.execute(body);
    if (outcome.outcome === 'rejected') throw rejectionError(outcome);
    return outcome;
  }
}

/** What the sender is told: the reason, never the verifier's detail (which is logged instead). */
function rejectionError({ reason, problems }: Rejected): ReceiptError {
  switch (reason) {
    case 'malformed':
      return new ReceiptError('SNS_MESSAGE_MALFORMED', 'the body is not an SNS message', {
        reason,
        errors: problems ?? [],
      });
    case 'certificate-unavailable':
      return new ReceiptError(
        'SNS_CERTIFICATE_UNAVAILABLE',
        'the signing certificate could not be fetched; retry later',
        { reason },
      );
    case 'topic-not-allowed':
      return rejected(reason, 'the topic is not one this endpoint accepts');
    case 'bad-certificate-url':
      return rejected(reason, 'SigningCertURL is not an Amazon SNS certificate URL');
    case 'stale':
      return rejected(reason, 'the message is too old or dated in the future');
    case 'bad-certificate':
      return rejected(reason, 'the signing certificate is not usable');
    case 'bad-signature':
      return rejected(reason, 'the signature does not verify');
    case 'replayed':
      return rejected(reason, 'the message was handled before');
    case 'bad-subscribe-url':
      return rejected(reason, 'SubscribeURL is not an Amazon SNS confirmation URL; not followed');
    default:
      return exhaustive(reason);
  }
}

function rejected(reason: Rejected['reason'], detail: string): ReceiptError {
  return new ReceiptError('SNS_MESSAGE_REJECTED', detail, { reason });
}

function exhaustive(reason: never): never {
  throw new Error(`unmapped SNS rejection ${String(reason)}`);
}
