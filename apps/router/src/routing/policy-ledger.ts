import type { ChannelName } from '@switchboard/contracts';
import { RecipientBudget } from '@switchboard/sending-policy';
import type { PolicyLedger } from './decide-route';

/** A message counted against a recipient's frequency limits. */
export interface SendRecord {
  tenantId: string;
  /** recipientIdentity of the message's recipient. */
  recipient: string;
  messageId: string;
  category: string;
  channel: ChannelName;
  sentAt: Date;
}

/** A content fingerprint claimed by a message for a dedup window. */
export interface ContentClaim {
  tenantId: string;
  recipient: string;
  fingerprint: string;
  messageId: string;
  expiresAt: Date;
}

/** What the stateful rules need loaded for a batch: whose sends since when, which fingerprints. */
export interface LedgerQuery {
  recipients: Array<{ tenantId: string; recipient: string }>;
  /** Sends before this are outside every window of the batch's tenants. */
  sendsSince: Date;
  claims: Array<{ tenantId: string; recipient: string; fingerprint: string }>;
}

export interface LedgerState {
  /** Messages of the batch a tenant cancelled, read under the messages' locks (fresh routing only). */
  cancelled?: ReadonlySet<string>;
  sends: SendRecord[];
  /** Claims that have not expired yet. */
  claims: ContentClaim[];
}

/** What deciding a batch adds to the ledger, written in the same transaction as the decisions. */
export interface LedgerWrites {
  sends: SendRecord[];
  claims: ContentClaim[];
}

export function recipientLedgerKey(tenantId: string, recipient: string): string {
  return JSON.stringify([tenantId, recipient]);
}

/**
 * The ledger of one batch: what was loaded (under the recipients' locks) plus what the batch's
 * earlier messages spent and claimed, so that two messages of one batch count against each other.
 */
export class BatchLedger {
  private readonly sends = new Map<string, SendRecord[]>();
  private readonly budgets = new Map<string, RecipientBudget>();
  private readonly claims = new Map<string, ContentClaim>();
  readonly writes: LedgerWrites = { sends: [], claims: [] };

  constructor(state: LedgerState) {
    for (const send of state.sends) this.sendsOf(send.tenantId, send.recipient).push(send);
    for (const claim of state.claims) this.claims.set(claimKey(claim), claim);
  }

  /** The view one message decides with. */
  forMessage(tenantId: string, recipient: string, messageId: string, now: Date): PolicyLedger {
    return {
      claimContent: (fingerprint, windowSeconds) => {
        const key = claimKey({ tenantId, recipient, fingerprint });
        const earlier = this.claims.get(key);
        if (earlier && earlier.messageId !== messageId && earlier.expiresAt.getTime() > now.getTime()) {
          return earlier.messageId;
        }
        if (earlier?.messageId === messageId) return undefined;
        const claim = {
          tenantId,
          recipient,
          fingerprint,
          messageId,
          expiresAt: new Date(now.getTime() + windowSeconds * 1000),
        };
        this.claims.set(key, claim);
        this.writes.claims.push(claim);
        return undefined;
      },
      spend: (channels, category, limits) => {
        const key = recipientLedgerKey(tenantId, recipient);
        let budget = this.budgets.get(key);
        if (!budget) {
          budget = new RecipientBudget(
            limits,
            this.sendsOf(tenantId, recipient).map((send) => ({
              at: send.sentAt,
              category: send.category,
              channel: send.channel,
            })),
          );
          this.budgets.set(key, budget);
        }
        // All the channels of one message fit together or none is counted.
        const verdict = budget.tryConsumeTogether(
          channels.map((channel) => ({ category, channel })),
          now,
        );
        if (!verdict.allowed) return verdict;
        for (const channel of channels) {
          const send = { tenantId, recipient, messageId, category, channel, sentAt: now };
          this.sendsOf(tenantId, recipient).push(send);
          this.writes.sends.push(send);
        }
        return { allowed: true };
      },
    };
  }

  private sendsOf(tenantId: string, recipient: string): SendRecord[] {
    const key = recipientLedgerKey(tenantId, recipient);
    let sends = this.sends.get(key);
    if (!sends) {
      sends = [];
      this.sends.set(key, sends);
    }
    return sends;
  }
}

function claimKey(claim: Pick<ContentClaim, 'tenantId' | 'recipient' | 'fingerprint'>): string {
  return JSON.stringify([claim.tenantId, claim.recipient, claim.fingerprint]);
}
