import { randomBytes } from 'node:crypto';
import { Controller, Get, Injectable, Module, Req } from '@nestjs/common';
import { issueServiceToken } from '@switchboard/security';
import type { FastifyRequest } from 'fastify';
import {
  HealthModule,
  PROBLEM_CONTENT_TYPE,
  PublicRoute,
  type ReadinessCheck,
  runService,
  type RunningService,
  ServiceAccessModule,
} from '../src';

const secret = randomBytes(32).toString('base64url');

@Injectable()
class AlwaysReady implements ReadinessCheck {
  readonly name = 'nothing';
  async isReady(): Promise<boolean> {
    return true;
  }
}

@Controller('internal/tenants/:tenantId/things')
class ThingsController {
  @Get()
  list(@Req() request: FastifyRequest): { caller: string | undefined } {
    return { caller: request.serviceCaller?.service };
  }
}

@PublicRoute('the page a person opens from a link; its token is checked by the handler')
@Controller('pages')
class PagesController {
  @Get()
  page(): { page: string } {
    return { page: 'open' };
  }
}

function appModule(secrets?: string[]) {
  @Module({
    imports: [
      ServiceAccessModule.forRoot({ audience: 'router', ...(secrets ? { secrets } : {}) }),
      HealthModule.register([AlwaysReady]),
    ],
    controllers: [ThingsController, PagesController],
  })
  class ExampleModule {}
  return ExampleModule;
}

describe('service credential guard', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await runService({ name: 'example', module: appModule([secret]), port: 0 });
  });

  afterAll(async () => {
    await service?.close();
  });

  const get = (path: string, authorization?: string) =>
    fetch(`${service.url}${path}`, { headers: authorization === undefined ? {} : { authorization } });

  const token = (audience: string, secrets = [secret], issuedAt = new Date()) =>
    `Bearer ${issueServiceToken({ issuer: 'gateway', audience }, secrets, issuedAt)}`;

  it('lets a request with a credential for this service through, telling the handler who called', async () => {
    const response = await get('/internal/tenants/acme/things', token('router'));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ caller: 'gateway' });
  });

  it('answers 401 problem+json with WWW-Authenticate: Bearer to a request without a credential', async () => {
    for (const authorization of [undefined, '', 'Basic Z2F0ZXdheTpzZWNyZXQ=', 'Bearer']) {
      const response = await get('/internal/tenants/acme/things', authorization);

      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain(PROBLEM_CONTENT_TYPE);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="switchboard-internal"');
      expect(await response.json()).toMatchObject({
        status: 401,
        code: 'SERVICE_CREDENTIAL_REQUIRED',
        detail: expect.stringContaining('GET /internal/tenants/:tenantId/things needs a service credential'),
      });
    }
  });

  it('answers 401 naming the reason to a forged, expired, future or misdirected credential', async () => {
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    const inTwoMinutes = new Date(Date.now() + 120_000);
    const cases = [
      { authorization: 'Bearer not-a-token', reason: 'malformed' },
      { authorization: token('router', ['a secret the router has never heard of!!']), reason: 'unknown-key' },
      {
        // Its payload retargeted at the router, keeping the signature made for the template service.
        authorization: `Bearer ${retarget(token('template').slice('Bearer '.length), 'router')}`,
        reason: 'bad-signature',
      },
      { authorization: token('template'), reason: 'wrong-audience' },
      { authorization: token('router', [secret], twoMinutesAgo), reason: 'expired' },
      { authorization: token('router', [secret], inTwoMinutes), reason: 'not-yet-valid' },
    ];
    for (const { authorization, reason } of cases) {
      const response = await get('/internal/tenants/acme/things', authorization);
      const body = await response.json();

      expect({ reason, status: response.status, body }).toMatchObject({
        reason,
        status: 401,
        body: { code: 'SERVICE_CREDENTIAL_REJECTED', reason },
      });
      expect(response.headers.get('www-authenticate')).toBe(
        `Bearer realm="switchboard-internal", error="invalid_token", error_description="${reason}"`,
      );
    }
  });

  it('keeps health and routes marked public open without a credential', async () => {
    expect((await get('/health/live')).status).toBe(200);
    expect((await get('/health/ready')).status).toBe(200);
    expect(await (await get('/pages')).json()).toEqual({ page: 'open' });
  });
});

describe('service credential guard of a service that takes no credentials', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await runService({ name: 'example', module: appModule(), port: 0 });
  });

  afterAll(async () => {
    await service?.close();
  });

  it('serves its public routes and refuses every other one, whatever credential comes', async () => {
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${service.url}/pages`)).status).toBe(200);
    const authorization = `Bearer ${issueServiceToken({ issuer: 'gateway', audience: 'router' }, [secret])}`;
    const response = await fetch(`${service.url}/internal/tenants/acme/things`, {
      headers: { authorization },
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      code: 'SERVICE_CREDENTIAL_REJECTED',
      reason: 'not-accepted',
    });
  });
});

function retarget(token: string, audience: string): string {
  const [payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  claims.aud = audience;
  return `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}
