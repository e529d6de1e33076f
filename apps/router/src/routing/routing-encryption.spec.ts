import type { MessageAccepted, RenderRequested } from '@switchboard/contracts';
import { FieldEncryptor, InMemoryDataKeys } from '@switchboard/encryption';
import { RoutingEncryption } from './routing-encryption';

function setup() {
  const keys = new InMemoryDataKeys();
  return { keys, routing: new RoutingEncryption({ encryptor: new FieldEncryptor(keys), keys }) };
}

function message(overrides: Partial<MessageAccepted> = {}): MessageAccepted {
  return {
    tenantId: 'acme',
    messageId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    acceptedAt: '2030-01-01T10:00:00.000Z',
    source: 'http',
    recipient: { id: 'jane', email: 'jane@example.com', phone: '+14155550123' },
    content: { templateKey: 'welcome', data: { plan: 'platinum' } },
    priority: 'normal',
    ...overrides,
  };
}

const renderRequest = {
  tenantId: 'acme',
  messageId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  recipientId: 'jane',
  channel: 'email',
  address: 'jane@example.com',
} as unknown as RenderRequested;

describe('RoutingEncryption', () => {
  it('seals a message’s email, phone and content, keeps its recipient id and the rest, and opens it as it was', async () => {
    const { routing, keys } = setup();
    const [sealed] = await routing.sealMessages([message()]);

    expect(sealed.recipient).toEqual({
      id: 'jane',
      email: expect.stringMatching(/^sbenc:v1:/),
      phone: expect.stringMatching(/^sbenc:v1:/),
    });
    expect(sealed.content).toMatch(/^sbenc:v1:/);
    expect(sealed).toMatchObject({ tenantId: 'acme', priority: 'normal', source: 'http' });
    expect(JSON.stringify(sealed)).not.toMatch(/jane@example|4155550123|platinum/);
    // The recipient's own key: their erasure shreds it.
    expect(String(sealed.content)).toContain(`:${(await keys.keyFor('acme', 'jane')).keyId}:`);
    expect(await routing.openMessages([sealed])).toEqual([message()]);
  });

  it('seals a message without a recipient id with the tenant’s key', async () => {
    const { routing, keys } = setup();
    const [sealed] = await routing.sealMessages([message({ recipient: { email: 'joe@example.com' } })]);

    expect(String(sealed.recipient.email)).toContain(`:${(await keys.keyFor('acme')).keyId}:`);
    expect((await routing.openMessages([sealed]))[0]?.recipient).toEqual({ email: 'joe@example.com' });
  });

  it('reads a plaintext message (written before encryption) as it is, and an erased recipient’s as nothing', async () => {
    const { routing, keys } = setup();
    const [erased] = await routing.sealMessages([message()]);
    await keys.destroy('acme', 'jane');

    expect(
      await routing.openMessages([message({ recipient: { id: 'joe', email: 'joe@example.com' } }), erased]),
    ).toEqual([message({ recipient: { id: 'joe', email: 'joe@example.com' } }), undefined]);
  });

  it('does not open a value moved to another recipient’s message', async () => {
    const { routing } = setup();
    const [jane, joe] = await routing.sealMessages([
      message(),
      message({ recipient: { id: 'joe', email: 'joe@example.com' } }),
    ]);

    expect(await routing.openMessages([{ ...joe, content: jane.content }])).toEqual([undefined]);
  });

  it('seals a decision’s address and render requests, and opens a batch with one key lookup', async () => {
    const { routing, keys } = setup();
    const sealed = await routing.sealDecisions([
      {
        owner: { tenantId: 'acme', recipientId: 'jane' },
        address: 'jane@example.com',
        renderRequests: [renderRequest],
      },
      { owner: { tenantId: 'acme' }, renderRequests: [] },
    ]);
    // One sealed value per decision: the address goes with the render requests.
    expect(sealed[0]).toEqual({ address: null, renderRequests: expect.stringMatching(/^sbenc:v1:/) });
    expect(sealed[1].address).toBeNull();

    keys.lookups = 0;
    const opened = await routing.openDecisions([
      { owner: { tenantId: 'acme', recipientId: 'jane' }, ...sealed[0] },
      { owner: { tenantId: 'acme' }, ...sealed[1] },
      // Written before encryption: as it is.
      { owner: { tenantId: 'acme' }, address: 'old@example.com', renderRequests: [renderRequest] },
    ]);
    expect(opened).toEqual([
      { address: 'jane@example.com', renderRequests: [renderRequest] },
      { address: null, renderRequests: [] },
      { address: 'old@example.com', renderRequests: [renderRequest] },
    ]);
    expect(keys.lookups).toBe(1);
  });

  it('opens an erased recipient’s decision without address or render requests', async () => {
    const { routing, keys } = setup();
    const [sealed] = await routing.sealDecisions([
      {
        owner: { tenantId: 'acme', recipientId: 'jane' },
        address: 'jane@example.com',
        renderRequests: [renderRequest],
      },
    ]);
    await keys.destroy('acme', 'jane');

    expect(
      await routing.openDecisions([{ owner: { tenantId: 'acme', recipientId: 'jane' }, ...sealed }]),
    ).toEqual([{ address: null, renderRequests: [] }]);
  });
});
