import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { fingerprintRequest } from '../src/idempotency/request-fingerprint';
import { createTestGateway, type TestGateway } from './support/test-gateway';

/** A request whose personal values are unique to this test, so that finding one in a dump means a leak. */
function personalRequest() {
  const unique = randomUUID();
  return {
    recipient: { id: `person-${unique}`, email: `ada.${unique}@example.com` },
    content: { subject: `Hello Ada ${unique}`, text: `Your code is ${unique}` },
  };
}

describe('gateway: idempotency records hold no personal data in plaintext', () => {
  let gateway: TestGateway;
  let db: Client;

  beforeAll(async () => {
    gateway = await createTestGateway();
    db = new Client({ connectionString: gateway.database.url });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await gateway?.close();
  });

  async function rawRecord(
    key: string,
  ): Promise<{ row: string; request_hash: string; response_body: unknown }> {
    const { rows } = await db.query(
      `SELECT row_to_json(record)::text AS row, request_hash, response_body
       FROM gateway.idempotency_records record WHERE tenant_id = 'acme' AND idempotency_key = $1`,
      [key],
    );
    return rows[0];
  }

  it('stores a keyed fingerprint and the answer encrypted, and replays the answer to a retry', async () => {
    const key = `personal-${randomUUID()}`;
    const body = personalRequest();
    const headers = { 'idempotency-key': key };

    const first = await gateway.call('POST', '/v1/messages', { body, headers });
    expect(first.status).toBe(202);

    const record = await rawRecord(key);
    expect(record.response_body).toEqual(expect.stringMatching(/^sbenc:v1:/));
    // A plain hash of the body could be found again by trying addresses: the stored one is keyed.
    expect(record.request_hash).not.toBe(fingerprintRequest('POST /v1/messages', body));
    for (const value of [
      body.recipient.id,
      body.recipient.email,
      body.content.subject,
      first.body.messageId,
    ]) {
      expect(record.row).not.toContain(value);
    }
    const { rows: accepted } = await db.query(
      `SELECT row_to_json(message)::text AS row FROM gateway.accepted_messages message WHERE message_id = $1`,
      [first.body.messageId],
    );
    expect(accepted).toHaveLength(1);
    expect(accepted[0].row).not.toContain(body.recipient.email);

    const retry = await gateway.call('POST', '/v1/messages', { body, headers });
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);

    const otherBody = await gateway.call('POST', '/v1/messages', { body: personalRequest(), headers });
    expect(otherBody.status).toBe(422);
    expect(otherBody.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('encrypts the answer of a batch, whose rejected items name the fields that are wrong', async () => {
    const key = `batch-${randomUUID()}`;
    const valid = personalRequest();
    const batch = { messages: [valid, { recipient: { email: 'not an address' }, content: { text: 'x' } }] };

    const first = await gateway.call('POST', '/v1/messages/batch', {
      body: batch,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(207);

    const record = await rawRecord(key);
    expect(record.response_body).toEqual(expect.stringMatching(/^sbenc:v1:/));
    expect(record.row).not.toContain(valid.recipient.email);
    const retry = await gateway.call('POST', '/v1/messages/batch', {
      body: batch,
      headers: { 'idempotency-key': key },
    });
    expect(retry.status).toBe(207);
    expect(retry.body).toEqual(first.body);
  });

  it('replays a record written before encryption (unkeyed hash, plaintext answer) to the same request', async () => {
    const key = `legacy-${randomUUID()}`;
    const body = personalRequest();
    const answer = { messageId: randomUUID(), status: 'accepted' };
    await db.query(
      `INSERT INTO gateway.idempotency_records
         (tenant_id, idempotency_key, request_hash, state, response_status, response_body, created_at, expires_at)
       VALUES ('acme', $1, $2, 'completed', 202, $3::jsonb, now(), now() + interval '1 hour')`,
      [key, fingerprintRequest('POST /v1/messages', body), JSON.stringify(answer)],
    );

    const retry = await gateway.call('POST', '/v1/messages', { body, headers: { 'idempotency-key': key } });
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(answer);

    const other = await gateway.call('POST', '/v1/messages', {
      body: personalRequest(),
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(422);
  });
});
