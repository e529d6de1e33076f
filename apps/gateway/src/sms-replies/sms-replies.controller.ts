import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiConsumes,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { PublicRoute } from '@switchboard/service-kit';
import { snsRejectionError } from '../receipts/sns-rejection';
import { SNS_TEXT_BODY_ROUTE } from '../receipts/sns-text-body';
import { ReceiveSmsReply, type SmsReplyOutcome } from './receive-sms-reply.usecase';
import { SmsReplyError } from './sms-reply-error';

type Rejected = Extract<SmsReplyOutcome, { outcome: 'rejected' }>;
type Handled = Exclude<SmsReplyOutcome, Rejected>;

// No API key: SNS cannot send one. The message's signature is the authentication.
@ApiTags('sms-replies')
@PublicRoute('Amazon SNS notifications, each verified by its SNS signature')
@Controller('v1/sms-replies')
export class SmsRepliesController {
  constructor(
    /** null when SMS_REPLY_TOPICS is not set. */
    @Inject(ReceiveSmsReply) private readonly receiveSmsReply: ReceiveSmsReply | null,
  ) {}

  @Post()
  @HttpCode(200)
  @RouteConfig({ [SNS_TEXT_BODY_ROUTE]: true })
  @ApiOperation({
    summary: 'Endpoint of the SNS subscription of a two-way SMS topic: STOP and START replies',
    description:
      'For Amazon SNS only, without an API key: the body is an SNS message (text/plain JSON), authenticated by its ' +
      'signature, from a topic of SMS_REPLY_TOPICS, which names the tenant. A reply of STOP, STOPALL, UNSUBSCRIBE, ' +
      'CANCEL, END, QUIT, 退订 or TD suppresses the replying number for the tenant’s SMS; START, UNSTOP or YES ' +
      'lifts that suppression (never one a bounce added). Any other reply is ignored. 200 once handled; 403 for a ' +
      'message refused (reason names why); 503 when it could not be handled now, so that SNS retries.',
  })
  @ApiConsumes('text/plain', 'application/json')
  @ApiOkResponse({ description: 'handled: opted out, opted in, reply ignored, subscription confirmed' })
  @ApiResponse({ status: 403, description: 'refused: not a genuine, fresh SNS message of an allowed topic' })
  @ApiNotFoundResponse({ description: 'SMS_REPLY_TOPICS is not set: no replies are taken' })
  @ApiResponse({ status: 503, description: 'certificate, router or SNS unavailable; SNS retries' })
  async receive(@Body() body: unknown): Promise<Handled> {
    if (!this.receiveSmsReply) {
      throw new SmsReplyError('SMS_REPLIES_NOT_CONFIGURED', 'this gateway takes no SMS replies');
    }
    const outcome = await this.receiveSmsReply.execute(body);
    if (outcome.outcome === 'rejected') throw snsRejectionError(outcome);
    return outcome;
  }
}
