import { Body, Controller, Get, Injectable, Module, Post } from '@nestjs/common';
import { z } from 'zod';
import {
  HealthModule,
  parseInput,
  PROBLEM_CONTENT_TYPE,
  ProblemException,
  runService,
  type ReadinessCheck,
  type RunningService,
} from '../src';

const Greeting = z.strictObject({ name: z.string().min(1), times: z.int().positive().max(3) });

let databaseReady = true;

@Injectable()
class FakeDatabaseCheck implements ReadinessCheck {
  readonly name = 'database';
  async isReady(): Promise<boolean> {
    return databaseReady;
  }
}

@Controller('greetings')
class GreetingController {
  @Post()
  greet(@Body() body: unknown): { text: string } {
    const greeting = parseInput(Greeting, body);
    return { text: `hello ${greeting.name} `.repeat(greeting.times).trim() };
  }

  @Post('taken')
  taken(): never {
    throw new ProblemException(409, 'NAME_TAKEN', 'that name is taken', { name: 'ada' });
  }

  @Get('broken')
  broken(): never {
    throw new Error('database password is hunter2');
  }

  @Get('database-down')
  databaseDown(): never {
    // What pg throws when PostgreSQL refuses connections.
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  }

  @Post('broker-down')
  brokerDown(): never {
    throw new ProblemException(503, 'BROKER_UNAVAILABLE', 'the broker did not take the message');
  }
}

@Module({ imports: [HealthModule.register([FakeDatabaseCheck])], controllers: [GreetingController] })
class ExampleModule {}

describe('runService', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await runService({
      name: 'example',
      module: ExampleModule,
      port: 0,
      bodyLimitBytes: 1024,
      logger: false as never,
    });
  });
  afterAll(() => service.close());

  async function post(path: string, body: string, contentType = 'application/json') {
    const response = await fetch(`${service.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as { type: string; errors: Array<{ field: string }> },
    };
  }

  it('serves a validated request', async () => {
    const response = await post('/greetings', JSON.stringify({ name: 'Ada', times: 2 }));
    expect(response).toMatchObject({ status: 201, body: { text: 'hello Ada hello Ada' } });
  });

  it('answers liveness, and readiness that names a failing dependency with 503', async () => {
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
    databaseReady = true;
    const ready = await fetch(`${service.url}/health/ready`);
    expect(ready.status).toBe(200);
    databaseReady = false;
    const notReady = await fetch(`${service.url}/health/ready`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not ready', checks: { database: 'down' } });
    databaseReady = true;
  });

  it('names every bad and unknown field in a 400 problem', async () => {
    const response = await post('/greetings', JSON.stringify({ name: '', times: 9, shout: true }));
    expect(response.status).toBe(400);
    expect(response.type).toContain(PROBLEM_CONTENT_TYPE);
    const fields = response.body.errors.map((error) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'times']));
    expect(JSON.stringify(response.body.errors)).toContain('shout');
  });

  it('refuses nesting past 32 levels with 400 JSON_TOO_DEEP naming where, not a stack overflow', async () => {
    const response = await post('/greetings', `{"name": ${'['.repeat(400)}${']'.repeat(400)}, "times": 1}`);

    expect(response).toMatchObject({ status: 400, body: { code: 'JSON_TOO_DEEP' } });
    expect(response.type).toContain(PROBLEM_CONTENT_TYPE);
    expect(JSON.stringify(response.body)).toContain('name.0.0.0');
  });

  it('refuses a "__proto__" key with 400 FORBIDDEN_KEY, saying the JSON itself is valid', async () => {
    const response = await post('/greetings', '{"name": "Ada", "times": 1, "__proto__": {"admin": true}}');

    expect(response).toMatchObject({ status: 400, body: { code: 'FORBIDDEN_KEY' } });
    expect(JSON.stringify(response.body)).toContain('valid JSON');
    expect(response.body.errors.map((error) => error.field)).toEqual(['__proto__']);
  });

  it('refuses a NUL or an unpaired surrogate with a 400 naming the field, before the handler runs', async () => {
    const response = await post('/greetings', '{"name": "Ada\\u0000", "times": 1, "note": "\\ud800"}');

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      type: expect.stringMatching(/validation-failed$/),
      errors: [
        { field: 'name', problem: 'contains a NUL character (U+0000), which cannot be stored' },
        {
          field: 'note',
          problem: 'contains an unpaired UTF-16 surrogate (U+D800), which is not valid Unicode',
        },
      ],
    });
  });

  it('answers malformed JSON with 400, a large body with 413 and another content type with 415', async () => {
    const malformed = await post('/greetings', '{"name": "Ada",');
    expect(malformed).toMatchObject({ status: 400, body: { status: 400 } });
    expect(malformed.type).toContain(PROBLEM_CONTENT_TYPE);

    const large = await post('/greetings', JSON.stringify({ name: 'x'.repeat(2000), times: 1 }));
    expect(large).toMatchObject({ status: 413, body: { status: 413 } });

    const text = await post('/greetings', 'name=Ada', 'text/plain');
    expect(text).toMatchObject({ status: 415, body: { status: 415 } });

    const form = await post('/greetings', 'name=Ada&times=1', 'application/x-www-form-urlencoded');
    expect(form).toMatchObject({ status: 415, body: { status: 415 } });
  });

  it('answers an unavailable dependency with 503 and Retry-After, never 500; a 503 of its own also says when to retry', async () => {
    const down = await fetch(`${service.url}/greetings/database-down`);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(down.headers.get('content-type')).toContain(PROBLEM_CONTENT_TYPE);
    expect(await down.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });

    const broker = await post('/greetings/broker-down', '{}');
    expect(broker).toMatchObject({ status: 503, retryAfter: '5', body: { code: 'BROKER_UNAVAILABLE' } });
  });

  it('keeps an expected failure code and its extensions', async () => {
    const response = await post('/greetings/taken', '{}');
    expect(response).toMatchObject({
      status: 409,
      body: { code: 'NAME_TAKEN', detail: 'that name is taken', name: 'ada' },
    });
  });

  it('answers an unexpected error with 500 and an error id, without its message', async () => {
    const response = await fetch(`${service.url}/greetings/broken`);
    const body = (await response.json()) as { errorId: string };
    expect(response.status).toBe(500);
    expect(body.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await fetch(`${service.url}/nowhere`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain(PROBLEM_CONTENT_TYPE);
  });
});
