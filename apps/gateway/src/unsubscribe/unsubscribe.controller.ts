import { Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiBody,
  ApiConsumes,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { PublicRoute } from '@switchboard/service-kit';
import type { FastifyReply } from 'fastify';
import { recordActingRecipient } from '../audit/audit-context';
import { GatewayError } from '../gateway-error';
import { pageStringsFor } from './pages/page-strings';
import { sendPage } from './pages/page-reply';
import { ANY_BODY_ROUTE } from './public-form-bodies';
import { ShowUnsubscribeConfirmation } from './show-unsubscribe-confirmation.usecase';
import { UnsubscribeByLink } from './unsubscribe-by-link.usecase';
import {
  notFoundPage,
  unavailablePage,
  unsubscribeConfirmationPage,
  unsubscribedPage,
} from './unsubscribe-pages';

const PUBLIC_ROUTE =
  'Public: no API key. Authenticated by the signed token in the path (HMAC, issued in the email by the router); ' +
  'a token that is not genuine answers 404 like an unknown page.';

// No API key: the person clicking, or their mail provider, has none. The signed token is the authentication.
// The token is the rest of the path (`*`): it is longer than the 100 characters Fastify allows a `:param`.
@ApiTags('unsubscribe (public)')
@PublicRoute('authenticated by the signed link in the URL (RFC 8058 one-click unsubscribe)')
@Controller('v1/unsubscribe')
export class UnsubscribeController {
  constructor(
    private readonly showConfirmation: ShowUnsubscribeConfirmation,
    private readonly unsubscribeByLink: UnsubscribeByLink,
  ) {}

  @Get('*')
  @ApiOperation({
    summary: 'Unsubscribe confirmation page (changes nothing: link scanners follow GETs)',
    description: `${PUBLIC_ROUTE} Server-rendered HTML with a button that POSTs to the same URL.`,
  })
  @ApiParam({ name: '*', description: 'The signed unsubscribe token from the List-Unsubscribe header' })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The confirmation page' })
  @ApiNotFoundResponse({ description: 'Not a genuine unsubscribe token' })
  confirm(
    @Param('*') token: string,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res() reply: FastifyReply,
  ): FastifyReply {
    const strings = pageStringsFor(acceptLanguage);
    const confirmation = this.showConfirmation.execute(token);
    if (confirmation.outcome === 'not-found') return sendPage(reply, 404, notFoundPage(strings));
    return sendPage(
      reply,
      200,
      unsubscribeConfirmationPage(strings, token, confirmation.link, confirmation.preferencesToken),
    );
  }

  @Post('*')
  @HttpCode(200)
  @RouteConfig({ [ANY_BODY_ROUTE]: true })
  @ApiOperation({
    summary: 'RFC 8058 one-click unsubscribe: opts the recipient out of the link’s category',
    description:
      `${PUBLIC_ROUTE} Mail providers POST List-Unsubscribe=One-Click (form or multipart); any body is ` +
      'accepted and ignored. Idempotent. A link without a recipient id suppresses its address for email in the category.',
  })
  @ApiParam({ name: '*', description: 'The signed unsubscribe token from the List-Unsubscribe header' })
  @ApiConsumes('application/x-www-form-urlencoded', 'multipart/form-data')
  @ApiBody({
    required: false,
    description: 'What RFC 8058 has mail providers send; ignored',
    schema: { type: 'object', properties: { 'List-Unsubscribe': { type: 'string', enum: ['One-Click'] } } },
  })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'Unsubscribed (or already was): a confirmation page' })
  @ApiNotFoundResponse({
    description: 'Not a genuine unsubscribe token, or a recipient the tenant no longer has',
  })
  @ApiServiceUnavailableResponse({ description: 'The router is unavailable; nothing changed, try again' })
  async unsubscribe(
    @Param('*') token: string,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const strings = pageStringsFor(acceptLanguage);
    try {
      const result = await this.unsubscribeByLink.execute(token);
      if (result.outcome === 'not-found') return sendPage(reply, 404, notFoundPage(strings));
      recordActingRecipient(reply.request, result.link);
      return sendPage(reply, 200, unsubscribedPage(strings, result.link, result.preferencesToken));
    } catch (error) {
      if (error instanceof GatewayError) return sendPage(reply, 503, unavailablePage(strings));
      throw error;
    }
  }
}
