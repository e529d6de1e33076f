import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';

/** Route config flag (via @RouteConfig) for the public pages' form posts. */
export const FORM_BODY_ROUTE = 'formBody';
/**
 * Route config flag for the RFC 8058 one-click endpoint: mail providers POST
 * `List-Unsubscribe=One-Click` as a form, multipart or otherwise; the token in the path is all
 * that counts, so any body is taken and ignored.
 */
export const ANY_BODY_ROUTE = 'anyBody';

const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
// Any body of the one-click route is handed to this parser under this type, and thrown away.
const IGNORED_BODY_CONTENT_TYPE = 'application/octet-stream';
// A form with more fields than this is not one of our pages'.
const MAXIMUM_FORM_FIELDS = 1000;

/** A form body: each field's value, or its values in order when it was sent more than once. */
export type FormFields = Record<string, string | string[]>;

/**
 * Adds what the public pages need to the one JSON parser that runService installs: form bodies
 * for routes flagged FORM_BODY_ROUTE, any body for routes flagged ANY_BODY_ROUTE. Every other
 * route still answers 415 to these types.
 */
export function acceptPublicFormBodies(app: NestFastifyApplication): void {
  installPublicFormBodies(app.getHttpAdapter().getInstance());
}

export function installPublicFormBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request) => {
    if (flagged(request, ANY_BODY_ROUTE) && request.headers['content-type'] !== undefined) {
      request.headers['content-type'] = IGNORED_BODY_CONTENT_TYPE;
    }
  });
  fastify.addContentTypeParser(FORM_CONTENT_TYPE, { parseAs: 'string' }, (request, body, done) => {
    if (!flagged(request, FORM_BODY_ROUTE)) {
      done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(FORM_CONTENT_TYPE), undefined);
      return;
    }
    done(null, parseFormFields(String(body)));
  });
  fastify.addContentTypeParser(IGNORED_BODY_CONTENT_TYPE, { parseAs: 'buffer' }, (request, _body, done) => {
    if (!flagged(request, ANY_BODY_ROUTE)) {
      done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(IGNORED_BODY_CONTENT_TYPE), undefined);
      return;
    }
    done(null, undefined);
  });
}

export function parseFormFields(text: string): FormFields {
  const fields: FormFields = {};
  let count = 0;
  for (const [name, value] of new URLSearchParams(text)) {
    if (++count > MAXIMUM_FORM_FIELDS) break;
    const existing = fields[name];
    if (existing === undefined) fields[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else fields[name] = [existing, value];
  }
  return fields;
}

function flagged(request: FastifyRequest, flag: string): boolean {
  const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
  return config?.[flag] === true;
}
