import { z } from 'zod';
import type { CircuitBreaker, CircuitBreakerSnapshot, CircuitTransition } from './circuit-breaker';
import { systemClock, type Clock } from './clock';
import { parseOptions } from './delivery-error';

/** A provider as the failover sees it: anything (a client, a name) with its own breaker. */
export interface FailoverCandidate {
  breaker: CircuitBreaker;
}

export type ProviderChoice<T extends FailoverCandidate> =
  | {
      outcome: 'chosen';
      candidate: T;
      /** True when the call is a half-open probe: its result decides whether the provider is back. */
      probe: boolean;
      /** How many providers before it in the order were unavailable (0: the primary). */
      skipped: number;
      /** The circuit changes the asking made (an open period found over), for the caller's timeline. */
      transitions: CircuitTransition[];
    }
  | {
      outcome: 'all-unavailable';
      /** The earliest time a provider may let a call through again; pause until then. */
      retryAt: Date;
      providers: CircuitBreakerSnapshot[];
      transitions: CircuitTransition[];
    };

const providerFailoverOptionsSchema = z
  .object({
    /**
     * When every breaker is half-open with its probe slots in use there is no time to wait for,
     * only a probe's result: the caller is told to look again after this long.
     */
    busyProbeRetryMs: z.number().int().positive().default(1000),
    clock: z
      .custom<Clock>(
        (value) => typeof (value as Clock | undefined)?.now === 'function',
        'must have a now() method',
      )
      .default(systemClock),
  })
  .strict();

export type ProviderFailoverOptions = z.input<typeof providerFailoverOptionsSchema>;

/**
 * Picks the provider for the next attempt: the first, in the given order of preference, whose
 * breaker lets a call through (taking a probe slot when half-open). The caller must record the
 * attempt's outcome on that candidate's breaker.
 *
 * A message is attempted by one provider at a time: before calling the chosen provider, the
 * sender records in its delivery row (keyed by message and channel) which provider claimed the
 * attempt, so a redelivered message is not sent through a second provider while the first call
 * may still have succeeded. That bookkeeping is the sender's, not this class's.
 */
export class ProviderFailover<T extends FailoverCandidate> {
  readonly candidates: readonly T[];
  private readonly busyProbeRetryMs: number;
  private readonly clock: Clock;

  constructor(candidates: readonly T[], options: ProviderFailoverOptions = {}) {
    const valid = parseOptions(providerFailoverOptionsSchema, options, 'provider failover');
    const providers = candidates.map((candidate) => candidate.breaker?.provider);
    parseOptions(
      z
        .array(z.string())
        .min(1, 'must list at least one provider')
        .refine((names) => new Set(names).size === names.length, 'must not list a provider twice'),
      providers,
      'provider failover candidates',
    );
    this.candidates = [...candidates];
    this.busyProbeRetryMs = valid.busyProbeRetryMs;
    this.clock = valid.clock;
  }

  choose(): ProviderChoice<T> {
    const transitions: CircuitTransition[] = [];
    for (const [index, candidate] of this.candidates.entries()) {
      const acquisition = candidate.breaker.tryAcquire();
      transitions.push(...acquisition.transitions);
      if (acquisition.acquired) {
        return { outcome: 'chosen', candidate, probe: acquisition.probe, skipped: index, transitions };
      }
    }
    const providers = this.candidates.map((candidate) => candidate.breaker.snapshot());
    const reopenTimes = providers
      .map((snapshot) => snapshot.openUntil?.getTime())
      .filter((time): time is number => time !== undefined);
    const anyBusyProbe = providers.some((snapshot) => snapshot.state === 'half-open');
    const now = this.clock.now();
    // A breaker may change state between the loop and the snapshots: never answer "wait forever".
    const retryTimes = [
      ...reopenTimes,
      ...(anyBusyProbe || reopenTimes.length === 0 ? [now + this.busyProbeRetryMs] : []),
    ];
    return {
      outcome: 'all-unavailable',
      retryAt: new Date(Math.min(...retryTimes)),
      providers,
      transitions,
    };
  }
}
