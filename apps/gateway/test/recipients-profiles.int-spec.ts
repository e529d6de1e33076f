import type { ImportedRecipient } from '@switchboard/contracts';
import { type RecordedRequest, startStubService, type StubService } from './support/stub-service';
import { createTestGateway, type TestGateway } from './support/test-gateway';

const view = {
  recipientId: 'ada',
  email: 'ada@example.com',
  phone: null,
  timeZone: 'Europe/London',
  locale: 'en-GB',
  attributes: { plan: 'pro', seats: 12 },
  pushSubscriptions: [],
  updatedAt: '2030-01-01T00:00:00.000Z',
};

/** Answers an import as the router does when every recipient is new. */
function createdEvery(request: RecordedRequest) {
  const { recipients } = request.body as { recipients: ImportedRecipient[] };
  return {
    status: 200,
    body: {
      created: recipients.length,
      updated: 0,
      rejected: 0,
      results: recipients.map((recipient, index) => ({
        index,
        recipientId: recipient.recipientId,
        status: 'created',
      })),
    },
  };
}

describe('gateway recipient profiles (proxy to the router)', () => {
  let gateway: TestGateway;
  let router: StubService;

  beforeAll(async () => {
    router = await startStubService();
    gateway = await createTestGateway({ routerUrl: router.url });
  });

  afterAll(async () => {
    await gateway?.close();
    await router?.close();
  });

  beforeEach(() => {
    router.requests.length = 0;
  });

  /** The router's sending settings of the tenant, naming this phone region (or none), and a profile. */
  function routerWithPhoneRegion(phoneRegion: string | null) {
    router.answer = (request) =>
      request.path.endsWith('/sending-settings')
        ? {
            status: 200,
            body: {
              defaultMessageType: null,
              timeZone: 'UTC',
              quietHours: null,
              frequencyLimits: [],
              phoneRegion,
              updatedAt: null,
            },
          }
        : { status: 200, body: { ...view, phone: '+442071838750' } };
  }

  it("reads a national phone number in the tenant's phone region, asking the router for it", async () => {
    routerWithPhoneRegion('GB');

    const patched = await gateway.call('PATCH', '/v1/recipients/ada', { body: { phone: '020 7183 8750' } });

    expect(patched.status).toBe(200);
    expect(router.requests.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'GET /internal/tenants/acme/sending-settings',
      'PATCH /internal/tenants/acme/recipients/ada',
    ]);
    expect(router.requests[1].body).toEqual({ phone: '+442071838750' });
  });

  it('refuses a national phone number with 400 naming the field when the tenant has no phone region', async () => {
    routerWithPhoneRegion(null);
    const apiKey = await gateway.createApiKey('no-region');

    const refused = await gateway.call('PATCH', '/v1/recipients/grace', {
      apiKey,
      body: { phone: '020 7183 8750' },
    });

    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { field: 'phone', problem: expect.stringContaining('must be an E.164 number such as +14155550123') },
    ]);
    expect(router.requests.map(({ path }) => path)).toEqual(['/internal/tenants/no-region/sending-settings']);
  });

  it('forwards a PATCH with attributes to merge, and shows the attributes the router answers', async () => {
    router.answer = () => ({ status: 200, body: view });

    const patched = await gateway.call('PATCH', '/v1/recipients/ada', {
      body: { locale: 'en-GB', attributes: { plan: 'pro', country: null } },
    });

    expect(patched).toMatchObject({ status: 200, body: view });
    expect(router.requests).toEqual([
      {
        method: 'PATCH',
        path: '/internal/tenants/acme/recipients/ada',
        body: { locale: 'en-GB', attributes: { plan: 'pro', country: null } },
      },
    ]);
  });

  it('passes the router’s 404 for a PATCH of an unknown recipient through', async () => {
    router.answer = () => ({
      status: 404,
      body: { title: 'Not Found', status: 404, code: 'RECIPIENT_NOT_FOUND' },
    });

    const patched = await gateway.call('PATCH', '/v1/recipients/nobody', { body: { locale: 'en' } });

    expect(patched.status).toBe(404);
    expect(patched.body).toMatchObject({ code: 'RECIPIENT_NOT_FOUND', instance: '/v1/recipients/nobody' });
  });

  it.each([
    ['PUT', { timeZone: 'Mars/Olympus' }, 'timeZone', 'must be an IANA time zone such as Europe/Berlin'],
    ['PATCH', { locale: 'english please' }, 'locale', 'must be a BCP 47 language tag such as en-GB'],
    [
      'PUT',
      { attributes: { notes: 'x'.repeat(9000) } },
      'attributes',
      'must take at most 8192 bytes as JSON',
    ],
  ])(
    'refuses a %s with %j with 400 naming the field, without calling the router',
    async (method, body, field, problem) => {
      const refused = await gateway.call(method, '/v1/recipients/ada', { body });

      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([{ field, problem }]);
      expect(router.requests).toEqual([]);
    },
  );

  it('imports a batch: duplicates and invalid items rejected by position, the rest written, 207', async () => {
    router.answer = createdEvery;

    const imported = await gateway.call('POST', '/v1/recipients/batch', {
      body: {
        recipients: [
          { recipientId: 'ada', email: 'ada@example.com', attributes: { plan: 'pro' } },
          { recipientId: 'ada', email: 'ada.again@example.com' },
          { recipientId: 'grace', timeZone: 'Nowhere/Special' },
          { recipientId: 'linus', phone: '+14155550123' },
        ],
      },
    });

    expect(imported.status).toBe(207);
    expect(imported.body).toEqual({
      created: 2,
      updated: 0,
      rejected: 2,
      results: [
        { index: 0, recipientId: 'ada', status: 'created' },
        {
          index: 1,
          recipientId: 'ada',
          status: 'rejected',
          problems: [{ field: 'recipientId', problem: 'names the same recipient as item 0 of this batch' }],
        },
        {
          index: 2,
          recipientId: 'grace',
          status: 'rejected',
          problems: [{ field: 'timeZone', problem: 'must be an IANA time zone such as Europe/Berlin' }],
        },
        { index: 3, recipientId: 'linus', status: 'created' },
      ],
    });
    expect(router.requests).toEqual([
      {
        method: 'POST',
        path: '/internal/tenants/acme/recipients/batch',
        body: {
          recipients: [
            { recipientId: 'ada', email: 'ada@example.com', attributes: { plan: 'pro' } },
            { recipientId: 'linus', phone: '+14155550123' },
          ],
        },
      },
    ]);
  });

  it('imports 1,000 profiles with large attributes in router calls that fit its body limit, answering 200', async () => {
    router.answer = createdEvery;
    const recipients = Array.from({ length: 1000 }, (_, index) => ({
      recipientId: `person-${index}`,
      email: `person${index}@example.com`,
      attributes: { notes: 'x'.repeat(2000) },
    }));

    const imported = await gateway.call('POST', '/v1/recipients/batch', { body: { recipients } });

    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ created: 1000, updated: 0, rejected: 0 });
    expect(imported.body.results.map((result: { recipientId: string }) => result.recipientId)).toEqual(
      recipients.map((recipient) => recipient.recipientId),
    );
    expect(router.requests.length).toBeGreaterThan(1);
    for (const request of router.requests) {
      expect(Buffer.byteLength(JSON.stringify(request.body))).toBeLessThanOrEqual(256 * 1024);
    }
    expect(
      router.requests.flatMap((request) => (request.body as { recipients: unknown[] }).recipients),
    ).toHaveLength(1000);
  });

  it('refuses a batch of more than 1,000 recipients as a whole, naming recipients', async () => {
    const recipients = Array.from({ length: 1001 }, (_, index) => ({ recipientId: `person-${index}` }));

    const refused = await gateway.call('POST', '/v1/recipients/batch', { body: { recipients } });

    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ field: 'recipients', problem: expect.any(String) }]);
    expect(router.requests).toEqual([]);
  });

  it('answers 401 without an API key, forwarding nothing', async () => {
    const refused = await gateway.call('POST', '/v1/recipients/batch', {
      apiKey: null,
      body: { recipients: [{ recipientId: 'ada' }] },
    });

    expect(refused.status).toBe(401);
    expect(router.requests).toEqual([]);
  });
});
