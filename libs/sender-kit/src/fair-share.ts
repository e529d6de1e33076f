import type { PriorityName } from '@switchboard/contracts';
import { systemClock, type Clock } from '@switchboard/delivery';
import type { RateLimiter } from './provider-route';

export interface FairShareOptions {
  rateLimiter: RateLimiter;
  /**
   * The longest a dispatch is expected to wait for its provider's rate limit before it is put off
   * instead, so that its partition moves on. Infinity never puts anything off (tenants still take
   * turns at the tokens).
   */
  maxWaitMs: number;
  /** A tenant counts as active, and so takes a share of the rate, this long after its last dispatch. */
  activeWindowMs?: number;
  clock?: Clock;
}

export interface AdmitOptions {
  /**
   * How long the dispatch's batch has held its partition already: its wait counts from the batch's
   * start, so that a batch's chunks, each within the wait allowed, do not add up to more.
   */
  heldMs?: number;
  /** Never put off (a circuit's probe call, whose slot must be used or given back). */
  mustWait?: boolean;
}

/** A place in the queue for a token; `granted` resolves when the token is taken for it. */
export interface Turn {
  readonly granted: Promise<void>;
  /** Leaves the queue (the dispatch will not be sent after all). */
  cancel(): void;
}

export type Admission = { admitted: true; turn: Turn } | { admitted: false; until: Date };

export type Slot = { due: true } | { due: false; until: Date };

interface Ticket {
  tenant: string;
  signal: AbortSignal;
  resolve(): void;
  reject(reason: unknown): void;
  settled: boolean;
}

/** One priority's state: who waits, who was active lately, and each tenant's schedule. */
class PriorityState {
  /** Waiting tickets by tenant; the Map's order is the order tenants take turns in. */
  readonly waiting = new Map<string, Ticket[]>();
  /** When each tenant last asked, oldest first (a tenant moves to the end when it asks again). */
  readonly lastSeen = new Map<string, number>();
  /** When each tenant's next dispatch is due at its fair share of the rate (a virtual clock). */
  readonly dueAt = new Map<string, number>();
  count = 0;
}

// Queues that share the limiter: high has its own (as in SharedRateLimiter), normal goes before bulk.
const QUEUE_OF: Record<PriorityName, 'high' | 'other'> = { high: 'high', normal: 'other', bulk: 'other' };
const QUEUE_PRIORITIES: Record<'high' | 'other', readonly PriorityName[]> = {
  high: ['high'],
  other: ['normal', 'bulk'],
};

/**
 * A provider's rate shared fairly among tenants, in one replica, in front of its rate limiter.
 *
 * Tenants take turns: dispatches waiting for a token are queued per tenant and served round-robin
 * (higher priority first), so a tenant with hundreds waiting does not get every token before a
 * tenant with one.
 *
 * And no dispatch holds its partition for long: each tenant has a schedule at its fair share of
 * the rate (the provider's rate ÷ the tenants active in the last few seconds), which each of its
 * dispatches moves on by one share's interval. A dispatch whose slot in that schedule is more than
 * `maxWaitMs` away, or whose turn at the tokens is, is put off until then: its partition moves on
 * at once, and other tenants' dispatches behind it reach the tokens. How far a tenant's schedule
 * runs ahead of now is its recent demand ÷ its share, its expected wait; it is an estimate (the
 * number of tenants changes, other replicas take tokens too) that a returning dispatch corrects by
 * being put off again. A lone tenant is never held back while tokens are there: its share is the
 * whole rate, the first second of its backlog is sent at once, and the rest comes back from the
 * retry topics spaced at that rate.
 */
export class FairShare {
  private readonly rateLimiter: RateLimiter;
  private readonly maxWaitMs: number;
  private readonly activeWindowMs: number;
  private readonly clock: Clock;
  private readonly priorities: Record<PriorityName, PriorityState> = {
    high: new PriorityState(),
    normal: new PriorityState(),
    bulk: new PriorityState(),
  };
  private readonly serving: Record<'high' | 'other', boolean> = { high: false, other: false };
  /** A ticket of the queue is waiting in the limiter for its token right now. */
  private readonly inService: Record<'high' | 'other', boolean> = { high: false, other: false };

  constructor(options: FairShareOptions) {
    if (!(options.maxWaitMs >= 0))
      throw new RangeError(`maxWaitMs must be 0 or more, got ${options.maxWaitMs}`);
    this.rateLimiter = options.rateLimiter;
    this.maxWaitMs = options.maxWaitMs;
    this.activeWindowMs = options.activeWindowMs ?? 5000;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Takes the tenant's next slot in its schedule at its fair share of the rate. A slot more than
   * `maxWaitMs` away is not due: the dispatch is to be put off until then. Called once per dispatch
   * as its batch comes in, before any of it waits, so that a batch of one tenant's backlog is seen
   * as a whole; a dispatch back from its retry topic skips it, its slot being the time it came back at.
   */
  schedule(tenant: string, priority: PriorityName): Slot {
    const state = this.priorities[priority];
    const now = this.clock.now();
    this.noteActive(state, tenant, now);
    const slotAt = Math.max(now, state.dueAt.get(tenant) ?? now);
    state.dueAt.set(tenant, slotAt + this.intervalMs(state));
    return slotAt - now > this.maxWaitMs ? { due: false, until: new Date(slotAt) } : { due: true };
  }

  /**
   * Queues a dispatch whose slot is due for a token, or, when its turn is more than `maxWaitMs`
   * away (other tenants' turns, other replicas' takes) from its batch's start, says until when to
   * put it off: its turn's time or its tenant's next slot, whichever is later, which it takes.
   */
  admit(tenant: string, priority: PriorityName, signal: AbortSignal, options: AdmitOptions = {}): Admission {
    const state = this.priorities[priority];
    const now = this.clock.now();
    this.noteActive(state, tenant, now);
    if (!options.mustWait) {
      const turnAt = now + this.turnWaitMs(tenant, priority);
      if ((options.heldMs ?? 0) + turnAt - now > this.maxWaitMs) {
        const until = Math.max(turnAt, state.dueAt.get(tenant) ?? now);
        state.dueAt.set(tenant, until + this.intervalMs(state));
        return { admitted: false, until: new Date(until) };
      }
    }
    return { admitted: true, turn: this.enqueue(state, tenant, priority, signal) };
  }

  /** The time between two of a tenant's slots: one share of the rate among the active tenants. */
  private intervalMs(state: PriorityState): number {
    return (1000 * state.lastSeen.size) / this.rateLimiter.ratePerSecond;
  }

  /** Dispatches waiting for a token in this replica. */
  get waitingCount(): number {
    return Object.values(this.priorities).reduce((sum, state) => sum + state.count, 0);
  }

  private noteActive(state: PriorityState, tenant: string, now: number): void {
    state.lastSeen.delete(tenant);
    state.lastSeen.set(tenant, now);
    for (const [seen, at] of state.lastSeen) {
      if (at > now - this.activeWindowMs) break;
      state.lastSeen.delete(seen);
      if ((state.dueAt.get(seen) ?? 0) <= now) state.dueAt.delete(seen);
    }
  }

  /**
   * How long until a new dispatch of the tenant would get its token: the tickets served before it
   * (the one in the limiter now, every one of a higher priority in its queue, and as many of each
   * tenant's as take turns before it) and the limiter's own estimate for that many tokens.
   */
  private turnWaitMs(tenant: string, priority: PriorityName): number {
    const queue = QUEUE_OF[priority];
    let ahead = this.inService[queue] ? 1 : 0;
    for (const queued of QUEUE_PRIORITIES[queue]) {
      const state = this.priorities[queued];
      if (queued !== priority) {
        ahead += state.count;
        continue;
      }
      const own = state.waiting.get(tenant)?.length ?? 0;
      for (const [other, tickets] of state.waiting) {
        ahead += other === tenant ? own : Math.min(tickets.length, own + 1);
      }
      break;
    }
    const tokens = ahead + 1;
    return (
      this.rateLimiter.estimateWaitMs?.(tokens, { priority }) ??
      Math.ceil((tokens / this.rateLimiter.ratePerSecond) * 1000)
    );
  }

  private enqueue(state: PriorityState, tenant: string, priority: PriorityName, signal: AbortSignal): Turn {
    let ticket!: Ticket;
    const granted = new Promise<void>((resolve, reject) => {
      ticket = { tenant, signal, resolve, reject, settled: false };
    });
    // A cancelled or aborted turn nobody awaits any more must not be an unhandled rejection.
    granted.catch(() => undefined);
    const tickets = state.waiting.get(tenant);
    if (tickets) tickets.push(ticket);
    else state.waiting.set(tenant, [ticket]);
    state.count += 1;
    void this.serve(QUEUE_OF[priority]);
    return {
      granted,
      cancel: () => {
        if (ticket.settled) return;
        this.remove(state, ticket);
        this.settle(ticket, () => ticket.reject(new Error('the turn was cancelled')));
      },
    };
  }

  /** Hands out tokens one at a time, the next ticket always chosen anew: a late tenant gets the next turn. */
  private async serve(queue: 'high' | 'other'): Promise<void> {
    if (this.serving[queue]) return;
    this.serving[queue] = true;
    try {
      for (;;) {
        const next = this.nextTicket(queue);
        if (next === undefined) return;
        const { ticket, priority } = next;
        this.inService[queue] = true;
        try {
          await this.rateLimiter.acquire(1, ticket.signal, { priority });
          this.settle(ticket, () => ticket.resolve());
        } catch (error) {
          this.settle(ticket, () => ticket.reject(error));
        } finally {
          this.inService[queue] = false;
        }
      }
    } finally {
      this.serving[queue] = false;
    }
  }

  /** Takes the first tenant's first ticket and sends that tenant to the back of the line. */
  private nextTicket(queue: 'high' | 'other'): { ticket: Ticket; priority: PriorityName } | undefined {
    for (const priority of QUEUE_PRIORITIES[queue]) {
      const state = this.priorities[priority];
      const first = state.waiting.entries().next();
      if (first.done) continue;
      const [tenant, tickets] = first.value;
      const ticket = tickets.shift() as Ticket;
      state.waiting.delete(tenant);
      if (tickets.length > 0) state.waiting.set(tenant, tickets);
      state.count -= 1;
      return { ticket, priority };
    }
    return undefined;
  }

  private remove(state: PriorityState, ticket: Ticket): void {
    const tickets = state.waiting.get(ticket.tenant);
    const index = tickets?.indexOf(ticket) ?? -1;
    if (tickets === undefined || index < 0) return;
    tickets.splice(index, 1);
    if (tickets.length === 0) state.waiting.delete(ticket.tenant);
    state.count -= 1;
  }

  private settle(ticket: Ticket, settle: () => void): void {
    if (ticket.settled) return;
    ticket.settled = true;
    settle();
  }
}
