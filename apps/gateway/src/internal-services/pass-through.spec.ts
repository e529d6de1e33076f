import { passThrough, type PassThroughReply } from './pass-through';

function fakeReply(url = '/v1/triggers') {
  const sent = { status: 0, headers: {} as Record<string, string> };
  const reply: PassThroughReply = {
    status: (code) => (sent.status = code),
    header: (name, value) => (sent.headers[name] = value),
    request: { url },
  };
  return { reply, sent };
}

describe('passThrough', () => {
  it('answers a success with its status and body as they came', () => {
    const { reply, sent } = fakeReply();

    const body = passThrough(reply, { status: 201, body: { eventType: 'order.shipped' } }, 'REJECTED');

    expect(sent.status).toBe(201);
    expect(body).toEqual({ eventType: 'order.shipped' });
    expect(sent.headers).toEqual({});
  });

  it("keeps the service's problem and code, pointing at the public URL", () => {
    const { reply, sent } = fakeReply();

    const body = passThrough(
      reply,
      {
        status: 409,
        body: {
          type: 'https://switchboard.dev/problems/trigger-exists',
          title: 'Conflict',
          status: 409,
          code: 'TRIGGER_EXISTS',
          detail: 'the tenant already has a trigger for event type "order.shipped"',
          instance: '/internal/tenants/acme/triggers',
        },
      },
      'TRIGGER_REQUEST_REJECTED',
    );

    expect(sent.status).toBe(409);
    expect(sent.headers['content-type']).toBe('application/problem+json');
    expect(body).toMatchObject({
      status: 409,
      code: 'TRIGGER_EXISTS',
      detail: 'the tenant already has a trigger for event type "order.shipped"',
      instance: '/v1/triggers',
    });
  });

  it('names a rejection that came without a problem document by the given code', () => {
    const { reply, sent } = fakeReply('/v1/suppressions');

    const body = passThrough(reply, { status: 404, body: undefined }, 'SUPPRESSION_REQUEST_REJECTED');

    expect(sent.status).toBe(404);
    expect(body).toMatchObject({
      status: 404,
      code: 'SUPPRESSION_REQUEST_REJECTED',
      instance: '/v1/suppressions',
    });
  });
});
