import { recipientKey } from '@switchboard/contracts';
import { waitFor } from '@switchboard/testing';
import { createTestGateway, type TestGateway } from './support/test-gateway';

const content = { subject: 'Hi', text: 'Hello' };

describe('gateway message acceptance: recipient addresses', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await createTestGateway();
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const requestedFor = (messageId: string) =>
    waitFor('the requested event', () =>
      gateway.requested.find((event) => event.payload.messageId === messageId),
    );

  it('publishes the email with its domain lower-cased and in ASCII, keyed by that address', async () => {
    const accepted = await gateway.call('POST', '/v1/messages', {
      body: { recipient: { email: 'Ada@Bücher.Example' }, content },
    });
    const writtenInAscii = await gateway.call('POST', '/v1/messages', {
      body: { recipient: { email: 'Ada@xn--bcher-kva.example' }, content },
    });

    expect(accepted.status).toBe(202);
    expect(writtenInAscii.status).toBe(202);
    const event = await requestedFor(accepted.body.messageId);
    expect(event.payload.recipient).toEqual({ email: 'Ada@xn--bcher-kva.example' });
    // One person however the domain was written, so their messages share a partition.
    expect(event.key).toBe(recipientKey('acme', 'Ada@xn--bcher-kva.example'));
    expect((await requestedFor(writtenInAscii.body.messageId)).key).toBe(event.key);
    expect(event.key).not.toContain('Ada@');
  });

  it.each([
    ['email', 'test@test.com', 'recipient.email', 'is a placeholder, not an address anyone receives mail at'],
    [
      'email',
      'ada@nowhere.invalid',
      'recipient.email',
      'is in the reserved .invalid domain, which never receives mail',
    ],
    ['phone', '+15555550123', 'recipient.phone', 'is not a number in use in the numbering plan of +1'],
    ['phone', '+447700900123', 'recipient.phone', 'is not a number in use in the numbering plan of +44'],
  ])('refuses a recipient %s %s with 400 naming %s', async (kind, address, field, problem) => {
    const before = gateway.requested.length;

    const refused = await gateway.call('POST', '/v1/messages', {
      body: { recipient: { [kind]: address }, content },
    });

    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ field, problem }]);
    // A later message is read after anything this one could have produced.
    const marker = await gateway.call('POST', '/v1/messages', {
      body: { recipient: { email: 'marker@example.com' }, content },
    });
    await requestedFor(marker.body.messageId);
    expect(gateway.requested.slice(before).map((event) => event.payload.messageId)).toEqual([
      marker.body.messageId,
    ]);
  });

  it('in a batch, rejects the items with a bad address by field and accepts the others (207)', async () => {
    const answer = await gateway.call('POST', '/v1/messages/batch', {
      body: {
        messages: [
          { recipient: { email: 'grace@EXAMPLE.org' }, content },
          { recipient: { email: 'none@none.com' }, content },
          { recipient: { phone: '+15555550123' }, content },
          { recipient: { phone: '+447400123456' }, content },
        ],
      },
    });

    expect(answer.status).toBe(207);
    expect(answer.body.results).toEqual([
      { index: 0, status: 'accepted', messageId: expect.any(String) },
      {
        index: 1,
        status: 'rejected',
        problems: [
          { field: 'recipient.email', problem: 'is a placeholder, not an address anyone receives mail at' },
        ],
      },
      {
        index: 2,
        status: 'rejected',
        problems: [
          { field: 'recipient.phone', problem: 'is not a number in use in the numbering plan of +1' },
        ],
      },
      { index: 3, status: 'accepted', messageId: expect.any(String) },
    ]);
    expect((await requestedFor(answer.body.results[0].messageId)).payload.recipient).toEqual({
      email: 'grace@example.org',
    });
  });
});
