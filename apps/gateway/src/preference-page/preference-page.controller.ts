import { Body, Controller, Get, Headers, Param, Post, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiBadRequestResponse,
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
import { sendPage } from '../unsubscribe/pages/page-reply';
import { pageStringsFor, type PageStrings } from '../unsubscribe/pages/page-strings';
import { FORM_BODY_ROUTE } from '../unsubscribe/public-form-bodies';
import { notFoundPage, unavailablePage } from '../unsubscribe/unsubscribe-pages';
import { preferencePage } from './preference-page.html';
import { SavePreferencePage } from './save-preference-page.usecase';
import { ShowPreferencePage } from './show-preference-page.usecase';

const PUBLIC_ROUTE =
  'Public: no API key. Authenticated by the signed preference token in the path (HMAC, valid 30 days, issued ' +
  'in emails and on the unsubscribe pages); a token that is not genuine or has expired answers 404.';
const TOKEN_DESCRIPTION = 'The signed preference page token';

// No API key: the recipient follows a link from an email. The signed token is the authentication.
// The token is the rest of the path (`*`): it is longer than the 100 characters Fastify allows a `:param`.
@ApiTags('preference page (public)')
@PublicRoute('authenticated by the signed link in the URL')
@Controller('preferences')
export class PreferencePageController {
  constructor(
    private readonly showPage: ShowPreferencePage,
    private readonly savePage: SavePreferencePage,
  ) {}

  @Get('*')
  @ApiOperation({
    summary: 'The hosted preference page (server-rendered HTML form, no JavaScript)',
    description: PUBLIC_ROUTE,
  })
  @ApiParam({ name: '*', description: TOKEN_DESCRIPTION })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The page, with the recipient’s current preferences' })
  @ApiNotFoundResponse({ description: 'Not a genuine, current preference token, or an unknown recipient' })
  @ApiServiceUnavailableResponse({ description: 'The router is unavailable; try again' })
  async show(
    @Param('*') token: string,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const strings = pageStringsFor(acceptLanguage);
    return this.answer(reply, strings, async () => {
      const view = await this.showPage.execute(token);
      if (view.outcome === 'not-found') return sendPage(reply, 404, notFoundPage(strings));
      return sendPage(
        reply,
        200,
        preferencePage(strings, token, view.preferences, view.subject.category, undefined),
      );
    });
  }

  @Post('*')
  @RouteConfig({ [FORM_BODY_ROUTE]: true })
  @ApiOperation({
    summary: 'Saves the hosted preference page’s form and shows the page again with a notice',
    description: `${PUBLIC_ROUTE} The body is the page's own form (application/x-www-form-urlencoded).`,
  })
  @ApiParam({ name: '*', description: TOKEN_DESCRIPTION })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'Saved: the page with the saved preferences' })
  @ApiBadRequestResponse({ description: 'Not the page’s form: the page again, nothing changed' })
  @ApiNotFoundResponse({ description: 'Not a genuine, current preference token, or an unknown recipient' })
  @ApiServiceUnavailableResponse({ description: 'The router is unavailable; nothing changed, try again' })
  async save(
    @Param('*') token: string,
    @Body() body: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const strings = pageStringsFor(acceptLanguage);
    return this.answer(reply, strings, async () => {
      const result = await this.savePage.execute(token, body);
      if (result.outcome === 'not-found') return sendPage(reply, 404, notFoundPage(strings));
      recordActingRecipient(reply.request, result.subject);
      const page = preferencePage(
        strings,
        token,
        result.preferences,
        result.subject.category,
        result.outcome === 'saved' ? 'saved' : 'invalid',
      );
      return sendPage(reply, result.outcome === 'saved' ? 200 : 400, page);
    });
  }

  /** A router outage is a page too: the person sees that nothing changed and can retry. */
  private async answer(
    reply: FastifyReply,
    strings: PageStrings,
    render: () => Promise<FastifyReply>,
  ): Promise<FastifyReply> {
    try {
      return await render();
    } catch (error) {
      if (error instanceof GatewayError) return sendPage(reply, 503, unavailablePage(strings));
      throw error;
    }
  }
}
