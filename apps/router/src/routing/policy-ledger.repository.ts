import { createHash } from 'node:crypto';
import type { ChannelName } from '@switchboard/contracts';
import type { BlindIndex } from '@switchboard/encryption';
import { bulkInsert } from '@switchboard/persistence';
import type { EntityManager } from 'typeorm';
import type { ContentClaim, LedgerQuery, LedgerState, LedgerWrites, SendRecord } from './policy-ledger';

interface SendRow {
  tenant_id: string;
  recipient: string;
  message_id: string;
  category: string;
  channel: ChannelName;
  sent_at: Date;
}

interface ClaimRow {
  tenant_id: string;
  recipient: string;
  fingerprint: string;
  message_id: string;
  expires_at: Date;
}

/**
 * What the ledger's `recipient` column holds for a recipient identity (an id, or the email or phone
 * of a message without one): its blind index, so the table names no address.
 */
export type LedgerRecipientIndex = (tenantId: string, recipient: string) => string;

export function ledgerRecipientIndex(blindIndex: BlindIndex): LedgerRecipientIndex {
  return (tenantId, recipient) => blindIndex.compute({ tenantId, kind: 'recipient-id', value: recipient });
}

/**
 * The same, computing each recipient's index once: a batch asks for it when reading, locking and
 * writing, and an HMAC each time is most of the ledger's cost. Made per batch, so it holds no
 * recipient for longer.
 */
export function onceEach(indexOf: LedgerRecipientIndex): LedgerRecipientIndex {
  const known = new Map<string, string>();
  return (tenantId, recipient) => {
    const name = `${tenantId}\u0000${recipient}`;
    let index = known.get(name);
    if (index === undefined) {
      index = indexOf(tenantId, recipient);
      known.set(name, index);
    }
    return index;
  };
}

/** Rows name recipients by index: each is given back the identity the batch asked about. */
function identitiesOf(query: LedgerQuery, indexOf: LedgerRecipientIndex) {
  const identities = new Map<string, string>();
  for (const { tenantId, recipient } of [...query.recipients, ...query.claims]) {
    identities.set(JSON.stringify([tenantId, indexOf(tenantId, recipient)]), recipient);
  }
  return <Row extends { tenant_id: string; recipient: string }>(row: Row): Row => ({
    ...row,
    recipient: identities.get(JSON.stringify([row.tenant_id, row.recipient])) ?? row.recipient,
  });
}

/**
 * The frequency counters and dedup claims in PostgreSQL. Every caller takes the recipients'
 * transaction-scoped advisory locks first (in one sorted order, so two replicas never deadlock),
 * then reads and writes their ledger: the budget of one recipient is spent by one transaction at a
 * time, whichever replica runs it.
 */
export async function lockAndLoadLedger(
  manager: EntityManager,
  query: LedgerQuery,
  indexOf: LedgerRecipientIndex,
): Promise<LedgerState> {
  if (query.recipients.length === 0) return { sends: [], claims: [] };
  await takeLocks(
    manager,
    query.recipients.map(({ tenantId, recipient }) => lockKey(tenantId, recipient)),
  );
  const tenants = query.recipients.map(({ tenantId }) => tenantId);
  const recipients = query.recipients.map(({ tenantId, recipient }) => indexOf(tenantId, recipient));
  const identityOf = identitiesOf(query, indexOf);
  const sends: SendRow[] = await manager.query(
    `SELECT s.tenant_id, s.recipient, s.message_id, s.category, s.channel, s.sent_at
     FROM router.sends s
     JOIN unnest($1::text[], $2::text[]) AS wanted(tenant_id, recipient)
       ON s.tenant_id = wanted.tenant_id AND s.recipient = wanted.recipient
     WHERE s.sent_at > $3`,
    [tenants, recipients, query.sendsSince],
  );
  const claims: ClaimRow[] =
    query.claims.length === 0
      ? []
      : await manager.query(
          `SELECT c.tenant_id, c.recipient, c.fingerprint, c.message_id, c.expires_at
           FROM router.content_claims c
           JOIN unnest($1::text[], $2::text[], $3::text[]) AS wanted(tenant_id, recipient, fingerprint)
             ON c.tenant_id = wanted.tenant_id AND c.recipient = wanted.recipient AND c.fingerprint = wanted.fingerprint
           WHERE c.expires_at > now()`,
          [
            query.claims.map(({ tenantId }) => tenantId),
            query.claims.map(({ tenantId, recipient }) => indexOf(tenantId, recipient)),
            query.claims.map(({ fingerprint }) => fingerprint),
          ],
        );
  return {
    sends: sends.map((row) => fromSendRow(identityOf(row))),
    claims: claims.map((row) => fromClaimRow(identityOf(row))),
  };
}

/** Takes the recipients' locks (see lockAndLoadLedger) without reading anything yet. */
export async function lockRecipients(manager: EntityManager, query: LedgerQuery): Promise<void> {
  await takeLocks(
    manager,
    query.recipients.map(({ tenantId, recipient }) => lockKey(tenantId, recipient)),
  );
}

/**
 * Everything routing reads once the locks are held, in one statement (a statement after the
 * locks, so that its snapshot sees what the transactions it waited for committed): the ledger of
 * the recipients, which of the messages were decided before, and which their tenant cancelled.
 */
export async function readUnderLocks(
  manager: EntityManager,
  query: LedgerQuery,
  messages: ReadonlyArray<{ tenantId: string; messageId: string }>,
  indexOf: LedgerRecipientIndex,
): Promise<{ state: LedgerState; decidedBefore: Set<string> }> {
  const identityOf = identitiesOf(query, indexOf);
  const [row]: Array<{
    sends: Array<Omit<SendRow, 'sent_at'> & { sent_at: string }>;
    claims: Array<Omit<ClaimRow, 'expires_at'> & { expires_at: string }>;
    decided: string[];
    cancelled: string[];
  }> = await manager.query(
    `SELECT
       (SELECT coalesce(json_agg(s), '[]') FROM (
          SELECT s.tenant_id, s.recipient, s.message_id, s.category, s.channel, s.sent_at
          FROM router.sends s
          JOIN unnest($1::text[], $2::text[]) AS wanted(tenant_id, recipient)
            ON s.tenant_id = wanted.tenant_id AND s.recipient = wanted.recipient
          WHERE s.sent_at > $3) AS s) AS sends,
       (SELECT coalesce(json_agg(c), '[]') FROM (
          SELECT c.tenant_id, c.recipient, c.fingerprint, c.message_id, c.expires_at
          FROM router.content_claims c
          JOIN unnest($4::text[], $5::text[], $6::text[]) AS wanted(tenant_id, recipient, fingerprint)
            ON c.tenant_id = wanted.tenant_id AND c.recipient = wanted.recipient AND c.fingerprint = wanted.fingerprint
          WHERE c.expires_at > now()) AS c) AS claims,
       (SELECT coalesce(json_agg(d.message_id), '[]') FROM router.decisions d
          WHERE d.message_id = ANY($8::uuid[])) AS decided,
       (SELECT coalesce(json_agg(x.message_id), '[]') FROM router.cancellations x
          JOIN unnest($7::text[], $8::uuid[]) AS wanted(tenant_id, message_id)
            ON x.tenant_id = wanted.tenant_id AND x.message_id = wanted.message_id) AS cancelled`,
    [
      query.recipients.map(({ tenantId }) => tenantId),
      query.recipients.map(({ tenantId, recipient }) => indexOf(tenantId, recipient)),
      query.sendsSince,
      query.claims.map(({ tenantId }) => tenantId),
      query.claims.map(({ tenantId, recipient }) => indexOf(tenantId, recipient)),
      query.claims.map(({ fingerprint }) => fingerprint),
      messages.map(({ tenantId }) => tenantId),
      messages.map(({ messageId }) => messageId),
    ],
  );
  return {
    state: {
      sends: row.sends.map((send) => fromSendRow(identityOf({ ...send, sent_at: new Date(send.sent_at) }))),
      claims: row.claims.map((claim) =>
        fromClaimRow(identityOf({ ...claim, expires_at: new Date(claim.expires_at) })),
      ),
      cancelled: new Set(row.cancelled),
    },
    decidedBefore: new Set(row.decided),
  };
}

/** Writes what a batch spent and claimed; a claim replaces an expired one of the same content. */
export async function writeLedger(
  manager: EntityManager,
  writes: LedgerWrites,
  indexOf: LedgerRecipientIndex,
): Promise<void> {
  if (writes.sends.length > 0) {
    await bulkInsert(
      manager,
      'router.sends',
      writes.sends.map((send) => ({
        tenant_id: send.tenantId,
        recipient: indexOf(send.tenantId, send.recipient),
        message_id: send.messageId,
        category: send.category,
        channel: send.channel,
        sent_at: send.sentAt,
      })),
    );
  }
  if (writes.claims.length > 0) {
    // Under the recipients' locks no live claim of the same content can appear meanwhile, so
    // replacing a row here only ever replaces an expired one.
    await manager.query(
      `INSERT INTO router.content_claims (tenant_id, recipient, fingerprint, message_id, expires_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::timestamptz[])
       ON CONFLICT (tenant_id, recipient, fingerprint)
       DO UPDATE SET message_id = EXCLUDED.message_id, expires_at = EXCLUDED.expires_at`,
      [
        writes.claims.map((claim) => claim.tenantId),
        writes.claims.map((claim) => indexOf(claim.tenantId, claim.recipient)),
        writes.claims.map((claim) => claim.fingerprint),
        writes.claims.map((claim) => claim.messageId),
        writes.claims.map((claim) => claim.expiresAt),
      ],
    );
  }
}

/** A signed 64-bit key per recipient for pg_advisory_xact_lock, as a decimal string. */
function lockKey(tenantId: string, recipient: string): string {
  return hashKey(JSON.stringify([tenantId, recipient]));
}

/** The advisory lock key of one message, shared by routing and cancelling (never a recipient's: the input differs). */
export function messageLockKey(tenantId: string, messageId: string): string {
  return hashKey(JSON.stringify(['message', tenantId, messageId]));
}

function hashKey(text: string): string {
  return createHash('sha256').update(text).digest().readBigInt64BE(0).toString();
}

/**
 * Takes the messages' transaction-scoped advisory locks, in one sorted order. Routing takes them
 * before the recipients' locks, cancelling takes one alone, so no two transactions wait in a circle.
 */
export async function lockMessages(
  manager: EntityManager,
  messages: ReadonlyArray<{ tenantId: string; messageId: string }>,
): Promise<void> {
  await takeLocks(
    manager,
    messages.map(({ tenantId, messageId }) => messageLockKey(tenantId, messageId)),
  );
}

/** The messages among these that their tenant cancelled (read under the messages' locks). */
export async function findCancelledIn(
  manager: EntityManager,
  messages: ReadonlyArray<{ tenantId: string; messageId: string }>,
): Promise<Set<string>> {
  if (messages.length === 0) return new Set();
  const rows: Array<{ message_id: string }> = await manager.query(
    `SELECT c.message_id FROM router.cancellations c
     JOIN unnest($1::text[], $2::uuid[]) AS wanted(tenant_id, message_id)
       ON c.tenant_id = wanted.tenant_id AND c.message_id = wanted.message_id`,
    [messages.map(({ tenantId }) => tenantId), messages.map(({ messageId }) => messageId)],
  );
  return new Set(rows.map((row) => row.message_id));
}

async function takeLocks(manager: EntityManager, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  const sorted = [...new Set(keys)].sort((left, right) =>
    BigInt(left) < BigInt(right) ? -1 : BigInt(left) > BigInt(right) ? 1 : 0,
  );
  await manager.query(
    `SELECT pg_advisory_xact_lock(key) FROM (SELECT unnest($1::bigint[]) AS key ORDER BY 1) AS sorted`,
    [sorted],
  );
}

function fromSendRow(row: SendRow): SendRecord {
  return {
    tenantId: row.tenant_id,
    recipient: row.recipient,
    messageId: row.message_id,
    category: row.category,
    channel: row.channel,
    sentAt: row.sent_at,
  };
}

function fromClaimRow(row: ClaimRow): ContentClaim {
  return {
    tenantId: row.tenant_id,
    recipient: row.recipient,
    fingerprint: row.fingerprint,
    messageId: row.message_id,
    expiresAt: row.expires_at,
  };
}

/** The longest window a frequency limit may have (FrequencyLimit.windowSeconds at most 31 days). */
const LONGEST_WINDOW_MS = 31 * 24 * 3600 * 1000;

/** Deletes sends no window can count any more and claims past their window; how many rows went. */
export async function purgeExpiredLedger(manager: EntityManager, now: Date): Promise<number> {
  const [sends, claims] = await Promise.all([
    manager.query(`DELETE FROM router.sends WHERE sent_at < $1`, [
      new Date(now.getTime() - LONGEST_WINDOW_MS),
    ]),
    manager.query(`DELETE FROM router.content_claims WHERE expires_at < $1`, [now]),
  ]);
  return deletedCount(sends) + deletedCount(claims);
}

// TypeORM's postgres driver answers a DELETE with [rows, affected count].
function deletedCount(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}
