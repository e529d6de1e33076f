import { type CircuitTransition, type Clock, type ProviderFailover } from '@switchboard/delivery';
import type { MessagingLog } from '@switchboard/messaging';
import type { DeliveryClaim } from './delivery-ledger';
import type { ProviderRoute } from './provider-route';

export type RouteChoice<TDispatch> =
  | {
      outcome: 'chosen';
      route: ProviderRoute<TDispatch>;
      /** A half-open circuit's probe: its slot must be used or given back. */
      probe: boolean;
      /** The provider the delivery went to last, when this choice passed it over. */
      failedOverFrom?: string;
      transitions: CircuitTransition[];
    }
  | {
      /** The provider that may have received the previous attempt is unavailable: wait for it. */
      outcome: 'pinned-unavailable';
      route: ProviderRoute<TDispatch>;
      until: Date;
      transitions: CircuitTransition[];
    }
  | { outcome: 'all-unavailable'; retryAt: Date; transitions: CircuitTransition[] };

/**
 * Which provider's circuit lets a delivery's call through: the provider that may have received its
 * previous attempt, or else the failover's first available one. The transitions a choice made are
 * handed back for the delivery's timeline; every circuit change is logged.
 */
export class ProviderChooser<TDispatch> {
  readonly routes: ReadonlyArray<ProviderRoute<TDispatch>>;
  private readonly routeIndex = new Map<string, number>();

  constructor(
    private readonly failover: ProviderFailover<ProviderRoute<TDispatch>>,
    private readonly context: { clock: Clock; log?: MessagingLog },
  ) {
    this.routes = failover.candidates;
    this.routes.forEach((route, index) => {
      this.routeIndex.set(route.provider.name, index);
      route.breaker.onTransition((transition) => {
        context.log?.(transition.to === 'closed' ? 'info' : 'warn', 'provider circuit changed', {
          provider: transition.provider,
          from: transition.from,
          to: transition.to,
          reason: transition.reason,
          detail: transition.detail,
        });
      });
    });
  }

  /** The provider a fresh dispatch is likely to go to: the first whose circuit is closed. */
  likelyRoute(): ProviderRoute<TDispatch> {
    return this.routes.find((route) => route.breaker.state === 'closed') ?? this.routes[0];
  }

  choose(claim: Extract<DeliveryClaim, { outcome: 'claimed' }>, messageId: string): RouteChoice<TDispatch> {
    const pinned = claim.pinnedProvider;
    const pinnedIndex = pinned === null ? undefined : this.routeIndex.get(pinned);
    if (pinned !== null && pinnedIndex === undefined) {
      this.context.log?.('warn', 'the provider of an unanswered attempt is no longer configured', {
        provider: pinned,
        messageId,
      });
    }
    if (pinnedIndex !== undefined) return this.choosePinned(this.routes[pinnedIndex]);
    const choice = this.failover.choose();
    if (choice.outcome === 'all-unavailable') {
      return { outcome: 'all-unavailable', retryAt: choice.retryAt, transitions: choice.transitions };
    }
    const previous = claim.lastProvider ?? this.routes[0].provider.name;
    const previousIndex = this.routeIndex.get(previous) ?? 0;
    return {
      outcome: 'chosen',
      route: choice.candidate,
      probe: choice.probe,
      ...(choice.skipped > previousIndex ? { failedOverFrom: previous } : {}),
      transitions: choice.transitions,
    };
  }

  /** When the first open circuit lets probes through, if no provider's circuit is closed; else undefined. */
  channelOutageEndsAt(): Date | undefined {
    const circuits = this.routes.map((route) => route.breaker.snapshot());
    if (circuits.some((circuit) => circuit.state === 'closed')) return undefined;
    const reopenTimes = circuits
      .map((circuit) => circuit.openUntil?.getTime())
      .filter((time): time is number => time !== undefined);
    return new Date(reopenTimes.length > 0 ? Math.min(...reopenTimes) : this.context.clock.now() + 1000);
  }

  // Failing over could send the message twice: it goes to its own provider or waits for it.
  private choosePinned(route: ProviderRoute<TDispatch>): RouteChoice<TDispatch> {
    // The state is read before asking, as the sender always has: an open period found over here is
    // logged, not put on the delivery's timeline (a failover's choice puts it there).
    const probe = route.breaker.state === 'half-open';
    const { acquired, transitions } = route.breaker.tryAcquire();
    if (acquired) return { outcome: 'chosen', route, probe, transitions };
    const until = route.breaker.snapshot().openUntil ?? new Date(this.context.clock.now() + 1000);
    return { outcome: 'pinned-unavailable', route, until, transitions };
  }
}
