import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { PublicRoute } from '@switchboard/service-kit';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ReceiveSnsMessage, type SnsMessageOutcome } from './receive-sns-message.usecase';
import { snsRejectionError } from './sns-rejection';
import { SNS_TEXT_BODY_ROUTE } from './sns-text-body';

type Rejected = Extract<SnsMessageOutcome, { outcome: 'rejected' }>;
type Handled = Exclude<SnsMessageOutcome, Rejected>;

// No API key: SNS cannot send one. The message's signature is the authentication.
@ApiTags('receipts')
@PublicRoute('Amazon SNS notifications, each verified by its SNS signature')
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
    if (outcome.outcome === 'rejected') throw snsRejectionError(outcome);
    return outcome;
  }
}
