import { EmailChannelTopics, MessageAcceptedTopic, type PersonalData } from '@switchboard/contracts';
import { FieldEncryptor } from './field-encryptor';
import { InMemoryDataKeys } from './in-memory-data-keys';
import { PayloadEncryption } from './payload-encryption';

const requestData = MessageAcceptedTopic.personalData as PersonalData<unknown>;
const emailData = EmailChannelTopics.lanes.normal.personalData as PersonalData<unknown>;

function accepted(recipient: Record<string, string>, content: Record<string, unknown>) {
  return {
    tenantId: 'acme',
    messageId: '4a1f3c52-5d0e-4f57-9d44-0d5b0b8b0c11',
    acceptedAt: '2026-12-07T08:00:00.000Z',
    source: 'http',
    recipient,
    content,
  };
}

describe('PayloadEncryption', () => {
  let keys: InMemoryDataKeys;
  let payloads: PayloadEncryption;

  beforeEach(() => {
    keys = new InMemoryDataKeys();
    payloads = new PayloadEncryption(new FieldEncryptor(keys));
  });

  it('seals the personal fields only, leaves the caller’s payload as it was, and opens it back', async () => {
    const original = accepted(
      { id: 'user-1', email: 'jane@example.com' },
      { templateKey: 'welcome', data: { firstName: 'Jane', visits: 3 } },
    );
    const copy = structuredClone(original);

    const [sealed] = (await payloads.seal(requestData, [original])) as [typeof original];

    expect(original).toEqual(copy);
    expect(JSON.stringify(sealed)).not.toMatch(/jane@example\.com|Jane/);
    expect(sealed.recipient.email).toMatch(/^sbenc:v1:/);
    expect(sealed.content.data).toMatch(/^sbenc:v1:/);
    // What consumers need to route and find the key stays readable.
    expect(sealed).toMatchObject({
      tenantId: 'acme',
      recipient: { id: 'user-1' },
      content: { templateKey: 'welcome' },
    });

    const [opened] = await payloads.open(requestData, [JSON.parse(JSON.stringify(sealed))]);
    expect(opened).toEqual({ ok: true, payload: original });
  });

  it('seals a batch with one key lookup and opens it with one more', async () => {
    const batch = Array.from({ length: 50 }, (_, index) =>
      accepted(
        { id: `user-${index}`, phone: `+1415555${String(index).padStart(4, '0')}` },
        { subject: 'Hi', text: 'Yo' },
      ),
    );
    const sealed = await payloads.seal(requestData, batch);
    expect(keys.lookups).toBe(1);
    const opened = await payloads.open(requestData, sealed);
    expect(keys.lookups).toBe(2);
    expect(opened.map((answer) => (answer.ok ? answer.payload : answer))).toEqual(batch);
  });

  it('seals with the tenant’s key when the payload names no recipient id', async () => {
    const [sealed] = await payloads.seal(requestData, [
      accepted({ email: 'ann@example.com' }, { subject: 'Hi', text: 'Yo' }),
    ]);
    await keys.destroy('acme', 'user-1');
    const [opened] = await payloads.open(requestData, [sealed]);
    expect(opened).toMatchObject({ ok: true, payload: { recipient: { email: 'ann@example.com' } } });
  });

  it('answers recipient-erased for a payload whose recipient key was destroyed, and opens the rest of the batch', async () => {
    const [gone, kept] = await payloads.seal(emailData, [
      {
        tenantId: 'acme',
        messageId: 'm1',
        recipientId: 'user-1',
        to: 'jane@example.com',
        subject: 's',
        html: '<p>h</p>',
        text: 't',
      },
      {
        tenantId: 'acme',
        messageId: 'm2',
        recipientId: 'user-2',
        to: 'joe@example.com',
        subject: 's',
        html: '<p>h</p>',
        text: 't',
      },
    ]);
    await keys.destroy('acme', 'user-1');

    const [erased, readable] = await payloads.open(emailData, [gone, kept]);

    expect(erased).toEqual({
      ok: false,
      reason: 'recipient-erased',
      detail: expect.stringContaining('destroyed'),
    });
    expect(JSON.stringify(erased)).not.toContain('jane');
    expect(readable).toMatchObject({ ok: true, payload: { to: 'joe@example.com' } });
  });

  it('answers unreadable-payload for a sealed field moved to another tenant or field', async () => {
    const [sealed] = (await payloads.seal(emailData, [
      { tenantId: 'acme', messageId: 'm1', to: 'jane@example.com', subject: 's', html: 'h', text: 't' },
    ])) as [Record<string, string>];

    const [otherTenant, otherField] = await payloads.open(emailData, [
      { ...sealed, tenantId: 'globex' },
      { ...sealed, subject: sealed.to },
    ]);

    expect(otherTenant).toMatchObject({ ok: false, reason: 'unreadable-payload' });
    expect(otherField).toEqual({
      ok: false,
      reason: 'unreadable-payload',
      detail: expect.stringMatching(/^subject cannot be opened/),
    });
  });

  it('passes plaintext fields and payloads without a valid owner as they are, for their schema to judge', async () => {
    const plaintext = {
      tenantId: 'acme',
      messageId: 'm1',
      to: 'jane@example.com',
      subject: 's',
      html: 'h',
      text: 't',
    };
    const ownerless = { messageId: 'm2', to: 'sbenc:v1:k1:AAAA' };

    const answers = await payloads.open(emailData, [plaintext, ownerless, 'not an object']);

    expect(answers).toEqual([
      { ok: true, payload: plaintext },
      { ok: true, payload: ownerless },
      { ok: true, payload: 'not an object' },
    ]);
  });
});
