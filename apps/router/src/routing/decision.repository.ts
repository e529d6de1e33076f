import { Inject, Injectable } from '@nestjs/common';
import type { ChannelName, ChannelPolicyName, PolicyRuleName, RenderRequested } from '@switchboard/contracts';
import { ENCRYPTION, type Encryption } from '@switchboard/encryption';
import { DataSource } from 'typeorm';
import { RoutingEncryption, type ValueOwner } from './routing-encryption';
import type { RouteDecisionName } from './decide-route';
import type { StoredMessage } from './routing-encryption';
import type { EntityManager } from 'typeorm';
import type { LedgerWrites } from './policy-ledger';
import {
  type DecideNewBatch,
  type DecisionRecord,
  DecisionStore,
  type DeferredMessage,
  type Reroute,
} from './decision-store';
import {
  ledgerRecipientIndex,
  type LedgerRecipientIndex,
  lockMessages,
  lockRecipients,
  onceEach,
  readUnderLocks,
} from './policy-ledger.repository';

interface DecisionRow {
  message_id: string;
  tenant_id: string;
  decision: RouteDecisionName;
  rule: PolicyRuleName | null;
  message_type: string | null;
  reason: string | null;
  channel: ChannelName | null;
  /** Sealed, or plaintext in rows written before encryption. */
  address: string | null;
  decided_at: Date;
  channel_policy: ChannelPolicyName;
  /** A sealed string, or the plaintext array in rows written before encryption. */
  render_requests: unknown;
  recipient_id: string | null;
}

@Injectable()
export class DecisionRepository extends DecisionStore {
  private readonly ledgerIndex: LedgerRecipientIndex;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(ENCRYPTION) encryption: Pick<Encryption, 'blindIndex'>,
    private readonly routing: RoutingEncryption,
  ) {
    super();
    this.ledgerIndex = ledgerRecipientIndex(encryption.blindIndex);
  }

  // Six round trips whatever the batch's size: begin, the messages' locks, the recipients' locks,
  // one read of everything the rules need, one write of everything they decided, commit.
  async decideNew(batch: DecideNewBatch): Promise<Set<string>> {
    const owners = new Map(
      batch.messages.map(({ tenantId, messageId, recipientId }): [string, ValueOwner] => [
        messageId,
        recipientId === undefined ? { tenantId } : { tenantId, recipientId },
      ]),
    );
    // Sealing inside the transaction then finds every key cached.
    await this.routing.prepare([...owners.values()]);
    const ledgerIndex = onceEach(this.ledgerIndex);
    return this.dataSource.transaction(async (manager) => {
      // The messages' locks serialise routing with a tenant cancelling one of them: whichever
      // comes second sees the other (a decision, or a cancellation to honour).
      await lockMessages(manager, batch.messages);
      await lockRecipients(manager, batch.ledger);
      const { state, decidedBefore } = await readUnderLocks(
        manager,
        batch.ledger,
        batch.messages,
        ledgerIndex,
      );
      const undecided = new Set(batch.messageIds.filter((id) => !decidedBefore.has(id)));
      if (undecided.size === 0) return new Set<string>();
      const { records, deferred, writes } = batch.decide(state, undecided);
      const sealed = await sealRecords(this.routing, records, (record) => owners.get(record.messageId));
      const sealedDeferrals = await this.routing.sealMessages(deferred.map((deferral) => deferral.message));
      return writeDecisions(
        manager,
        sealed,
        deferred.map((deferral, index) => ({ ...deferral, message: sealedDeferrals[index] })),
        writes,
        ledgerIndex,
      );
    });
  }

  async findByIds(messageIds: string[]): Promise<DecisionRecord[]> {
    const rows: DecisionRow[] = await this.dataSource.query(
      `SELECT message_id, tenant_id, decision, rule, message_type, reason, channel, address, decided_at, channel_policy,
              render_requests, recipient_id
       FROM router.decisions WHERE message_id = ANY($1::uuid[])`,
      [messageIds],
    );
    const opened = await this.routing.openDecisions(
      rows.map((row) => ({
        owner: ownerOfRow(row),
        address: row.address,
        renderRequests: row.render_requests,
      })),
    );
    return rows.map((row, index) => fromRow(row, opened[index]));
  }

  async recordReroute(reroute: Reroute, publish: () => Promise<void>): Promise<boolean> {
    // The insert holds the row's key until commit, so a concurrent duplicate waits and then finds it.
    return this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO router.reroutes (message_id, tenant_id, from_channel, to_channel, reason, rerouted_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING RETURNING message_id`,
        [
          reroute.messageId,
          reroute.tenantId,
          reroute.fromChannel,
          reroute.toChannel,
          reroute.reason,
          reroute.reroutedAt,
        ],
      );
      if (inserted.length === 0) return false;
      await publish();
      return true;
    });
  }
}

/**
 * Records the decisions, the deferrals among them, and what they spent and claimed in one
 * statement; the ids of the decisions recorded (a message decided meanwhile keeps its decision).
 * Everything but the decisions is written for the messages decided here, which the messages'
 * locks make the same set.
 */
async function writeDecisions(
  manager: EntityManager,
  records: SealedDecisionRecord[],
  deferred: Array<Omit<DeferredMessage, 'message'> & { message: StoredMessage }>,
  writes: LedgerWrites,
  ledgerIndex: LedgerRecipientIndex,
): Promise<Set<string>> {
  // Each set of rows goes as one JSON document: JSON.stringify is native, where pg would escape
  // every element of a text array (render requests included) character by character.
  const rows: Array<{ message_id: string }> = await manager.query(
    `WITH decided AS (
       INSERT INTO router.decisions
         (message_id, tenant_id, decision, rule, message_type, reason, channel, address, decided_at,
          channel_policy, render_requests, recipient_id)
       SELECT message_id, tenant_id, decision, rule, message_type, reason, channel, address, decided_at,
              channel_policy, render_requests, recipient_id
       FROM jsonb_to_recordset($1::jsonb) AS decision(
         message_id uuid, tenant_id text, decision text, rule text, message_type text, reason text,
         channel text, address text, decided_at timestamptz, channel_policy text, render_requests jsonb,
         recipient_id text)
       ON CONFLICT DO NOTHING
       RETURNING message_id
     ),
     deferred AS (
       INSERT INTO router.schedules (message_id, tenant_id, due_at, rule, message, payload)
       SELECT message_id, tenant_id, due_at, rule, message, '[]'::jsonb
       FROM jsonb_to_recordset($2::jsonb)
         AS deferral(message_id uuid, tenant_id text, due_at timestamptz, rule text, message jsonb)
       ON CONFLICT DO NOTHING
     ),
     spent AS (
       INSERT INTO router.sends (tenant_id, recipient, message_id, category, channel, sent_at)
       SELECT tenant_id, recipient, message_id, category, channel, sent_at
       FROM jsonb_to_recordset($3::jsonb) AS send(
         tenant_id text, recipient text, message_id uuid, category text, channel text, sent_at timestamptz)
     ),
     claimed AS (
       INSERT INTO router.content_claims (tenant_id, recipient, fingerprint, message_id, expires_at)
       SELECT tenant_id, recipient, fingerprint, message_id, expires_at
       FROM jsonb_to_recordset($4::jsonb) AS claim(
         tenant_id text, recipient text, fingerprint text, message_id uuid, expires_at timestamptz)
       ON CONFLICT (tenant_id, recipient, fingerprint)
       DO UPDATE SET message_id = EXCLUDED.message_id, expires_at = EXCLUDED.expires_at
     )
     SELECT message_id FROM decided`,
    [
      JSON.stringify(records.map(sealedRow)),
      JSON.stringify(
        deferred.map((deferral) => ({
          message_id: deferral.messageId,
          tenant_id: deferral.tenantId,
          due_at: deferral.dueAt,
          rule: deferral.rule,
          message: deferral.message,
        })),
      ),
      JSON.stringify(
        writes.sends.map((send) => ({
          tenant_id: send.tenantId,
          recipient: ledgerIndex(send.tenantId, send.recipient),
          message_id: send.messageId,
          category: send.category,
          channel: send.channel,
          sent_at: send.sentAt,
        })),
      ),
      JSON.stringify(
        writes.claims.map((claim) => ({
          tenant_id: claim.tenantId,
          recipient: ledgerIndex(claim.tenantId, claim.recipient),
          fingerprint: claim.fingerprint,
          message_id: claim.messageId,
          expires_at: claim.expiresAt,
        })),
      ),
    ],
  );
  return new Set(rows.map((row) => row.message_id));
}

/** A decision with its address and render requests sealed, and whose key sealed them. */
export interface SealedDecisionRecord extends Omit<DecisionRecord, 'address' | 'renderRequests'> {
  address: string | null;
  renderRequests: string;
  owner: ValueOwner;
}

/** Seals the records' personal values (keys prepared beforehand: no query inside a transaction). */
export async function sealRecords(
  routing: RoutingEncryption,
  records: readonly DecisionRecord[],
  ownerOf: (record: DecisionRecord) => ValueOwner | undefined,
): Promise<SealedDecisionRecord[]> {
  const owners = records.map((record) => ownerOf(record) ?? { tenantId: record.tenantId });
  const sealed = await routing.sealDecisions(
    records.map((record, index) => ({
      owner: owners[index],
      ...(record.address === undefined ? {} : { address: record.address }),
      renderRequests: record.renderRequests,
    })),
  );
  return records.map((record, index) => ({
    ...record,
    address: sealed[index].address,
    renderRequests: sealed[index].renderRequests,
    owner: owners[index],
  }));
}

/** The row of a sealed decision; render_requests a jsonb string. */
export function sealedRow(decision: SealedDecisionRecord): Record<string, unknown> {
  return {
    message_id: decision.messageId,
    tenant_id: decision.tenantId,
    decision: decision.decision,
    rule: decision.rule ?? null,
    message_type: decision.messageType ?? null,
    reason: decision.reason ?? null,
    channel: decision.channel ?? null,
    address: decision.address,
    decided_at: decision.decidedAt,
    channel_policy: decision.channelPolicy,
    render_requests: decision.renderRequests,
    // Erasure finds a person's decisions by it (their values are sealed with their key).
    recipient_id: decision.owner.recipientId ?? null,
  };
}

function ownerOfRow(row: DecisionRow): ValueOwner {
  return row.recipient_id === null
    ? { tenantId: row.tenant_id }
    : { tenantId: row.tenant_id, recipientId: row.recipient_id };
}

function fromRow(
  row: DecisionRow,
  opened: { address: string | null; renderRequests: RenderRequested[] },
): DecisionRecord {
  return {
    tenantId: row.tenant_id,
    messageId: row.message_id,
    decision: row.decision,
    ...(row.rule === null ? {} : { rule: row.rule }),
    ...(row.message_type === null ? {} : { messageType: row.message_type }),
    ...(row.channel === null ? {} : { channel: row.channel }),
    ...(opened.address === null ? {} : { address: opened.address }),
    ...(row.reason === null ? {} : { reason: row.reason }),
    decidedAt: row.decided_at,
    channelPolicy: row.channel_policy,
    renderRequests: opened.renderRequests,
  };
}
