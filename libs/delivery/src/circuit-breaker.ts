import { z } from 'zod';
import { systemClock, type Clock } from './clock';
import { parseOptions } from './delivery-error';
import type { ProviderFailure } from './provider-failure';

export type CircuitState = 'closed' | 'open' | 'half-open';

export type CircuitTransitionReason =
  'consecutive-failures' | 'failure-rate' | 'open-period-elapsed' | 'probe-succeeded' | 'probe-failed';

export interface CircuitTransition {
  provider: string;
  from: CircuitState;
  to: CircuitState;
  reason: CircuitTransitionReason;
  /** For a log line or a timeline: the numbers behind the reason. */
  detail: string;
  at: Date;
}

export type CircuitTransitionListener = (transition: CircuitTransition) => void;

/** What tryAcquire answered, with the circuit changes that asking made. */
export interface CircuitAcquisition {
  acquired: boolean;
  /** True when the call took a half-open probe slot: its result decides whether the provider is back. */
  probe: boolean;
  transitions: CircuitTransition[];
}

/** What a health endpoint shows for one provider. */
export interface CircuitBreakerSnapshot {
  provider: string;
  state: CircuitState;
  since: Date;
  consecutiveFailures: number;
  /** Failures among the calls in the sliding window, 0 to 1 (0 when it is empty). */
  failureRate: number;
  callsInWindow: number;
  /** When an open circuit lets probes through; null unless open. */
  openUntil: Date | null;
}

const circuitBreakerOptionsSchema = z
  .object({
    /** Names the provider in snapshots and transitions (e.g. `ses:eu-west-1`). */
    provider: z.string().min(1),
    consecutiveFailuresToOpen: z.number().int().min(1).default(5),
    failureRateToOpen: z.number().gt(0).max(1).default(0.5),
    /** The sliding window: the outcomes of the last this-many calls. */
    windowSize: z.number().int().min(1).default(20),
    /** The failure rate is only trusted once the window holds this many calls. */
    minimumCallsInWindow: z.number().int().min(1).default(10),
    openForMs: z.number().int().positive().default(30_000),
    /** Probe calls allowed at the same time while half-open. */
    halfOpenProbes: z.number().int().min(1).default(1),
    probeSuccessesToClose: z.number().int().min(1).default(1),
    clock: z
      .custom<Clock>(
        (value) => typeof (value as Clock | undefined)?.now === 'function',
        'must have a now() method',
      )
      .default(systemClock),
  })
  .strict()
  .refine((options) => options.minimumCallsInWindow <= options.windowSize, {
    path: ['minimumCallsInWindow'],
    message: 'must not be more than windowSize',
  });

export type CircuitBreakerOptions = z.input<typeof circuitBreakerOptionsSchema>;
type ValidOptions = z.output<typeof circuitBreakerOptionsSchema>;

/**
 * Stops calling a provider that keeps failing, so that messages wait (or fail over) instead of
 * burning their retries against it, and lets a few probe calls through after a pause to find out
 * whether it recovered.
 *
 * Only transient and throttled failures count against the provider. A permanent failure (a
 * rejected address, an opted-out number) is the provider answering correctly about one message,
 * so it counts as a success.
 *
 * Results that arrive while the circuit is open (calls started before it opened) change nothing;
 * while half-open, a result is taken as a probe's only when a probe slot is in use.
 *
 * tryAcquire, recordSuccess and recordFailure return the circuit changes they made, so a caller
 * can put them on the timeline of the message it was working on; listeners hear of every change,
 * including those a read of `state` or `snapshot()` makes when an open period has passed.
 */
export class CircuitBreaker {
  readonly provider: string;
  private readonly options: ValidOptions;
  private readonly clock: Clock;
  private readonly listeners = new Set<CircuitTransitionListener>();

  private currentState: CircuitState = 'closed';
  private since: number;
  private openUntil = 0;
  private consecutiveFailures = 0;
  /** Ring buffer of the last `windowSize` outcomes: true is a failure. */
  private readonly window: boolean[] = [];
  private windowNext = 0;
  private probesInFlight = 0;
  private probeSuccesses = 0;

  constructor(options: CircuitBreakerOptions) {
    this.options = parseOptions(circuitBreakerOptionsSchema, options, 'circuit breaker');
    this.provider = this.options.provider;
    this.clock = this.options.clock;
    this.since = this.clock.now();
  }

  get state(): CircuitState {
    this.refresh();
    return this.currentState;
  }

  /** Whether a call would be let through now; takes nothing (see tryAcquire). */
  canAttempt(): boolean {
    this.refresh();
    if (this.currentState === 'closed') return true;
    if (this.currentState === 'half-open') return this.probesInFlight < this.options.halfOpenProbes;
    return false;
  }

  /**
   * Asks to make one call. While half-open this takes a probe slot, given back by the call's
   * recordSuccess or recordFailure, so the caller must record the outcome of every acquired call.
   */
  tryAcquire(): CircuitAcquisition {
    const transitions = this.refresh();
    if (this.currentState === 'closed') return { acquired: true, probe: false, transitions };
    if (this.currentState === 'half-open' && this.probesInFlight < this.options.halfOpenProbes) {
      this.probesInFlight += 1;
      return { acquired: true, probe: true, transitions };
    }
    return { acquired: false, probe: false, transitions };
  }

  /** Records an acquired call's success; returns the circuit changes it made. */
  recordSuccess(): CircuitTransition[] {
    const transitions = this.refresh();
    if (this.currentState === 'closed') {
      this.consecutiveFailures = 0;
      this.remember(false);
      return transitions;
    }
    if (this.currentState === 'half-open' && this.probesInFlight > 0) {
      this.probesInFlight -= 1;
      this.probeSuccesses += 1;
      if (this.probeSuccesses >= this.options.probeSuccessesToClose) {
        transitions.push(
          this.transition('closed', 'probe-succeeded', `${this.probeSuccesses} probe call(s) succeeded`),
        );
      }
    }
    return transitions;
  }

  /** Records an acquired call's failure; returns the circuit changes it made. */
  recordFailure(failure: ProviderFailure): CircuitTransition[] {
    if (failure.kind === 'permanent') return this.recordSuccess();
    const transitions = this.refresh();
    if (this.currentState === 'closed') {
      this.consecutiveFailures += 1;
      this.remember(true);
      const { consecutiveFailuresToOpen, failureRateToOpen, minimumCallsInWindow } = this.options;
      if (this.consecutiveFailures >= consecutiveFailuresToOpen) {
        transitions.push(
          this.open(
            'consecutive-failures',
            `${this.consecutiveFailures} failures in a row, the last ${failure.code}`,
          ),
        );
      } else if (this.window.length >= minimumCallsInWindow && this.failureRate() >= failureRateToOpen) {
        const percent = Math.round(this.failureRate() * 100);
        transitions.push(
          this.open(
            'failure-rate',
            `${percent}% of the last ${this.window.length} calls failed, the last ${failure.code}`,
          ),
        );
      }
      return transitions;
    }
    if (this.currentState === 'half-open' && this.probesInFlight > 0) {
      this.probesInFlight -= 1;
      this.consecutiveFailures += 1;
      transitions.push(this.open('probe-failed', `a probe call failed with ${failure.code}`));
    }
    return transitions;
  }

  snapshot(): CircuitBreakerSnapshot {
    this.refresh();
    return {
      provider: this.provider,
      state: this.currentState,
      since: new Date(this.since),
      consecutiveFailures: this.consecutiveFailures,
      failureRate: this.failureRate(),
      callsInWindow: this.window.length,
      openUntil: this.currentState === 'open' ? new Date(this.openUntil) : null,
    };
  }

  /** Calls the listener on every change of state; returns a function that stops it. */
  onTransition(listener: CircuitTransitionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private failureRate(): number {
    if (this.window.length === 0) return 0;
    return this.window.filter(Boolean).length / this.window.length;
  }

  private remember(failed: boolean): void {
    if (this.window.length < this.options.windowSize) {
      this.window.push(failed);
    } else {
      this.window[this.windowNext] = failed;
    }
    this.windowNext = (this.windowNext + 1) % this.options.windowSize;
  }

  // The open period ends by the passing of time, not by an event: every read checks it.
  private refresh(): CircuitTransition[] {
    if (this.currentState === 'open' && this.clock.now() >= this.openUntil) {
      return [this.transition('half-open', 'open-period-elapsed', `open for ${this.options.openForMs} ms`)];
    }
    return [];
  }

  private open(reason: CircuitTransitionReason, detail: string): CircuitTransition {
    this.openUntil = this.clock.now() + this.options.openForMs;
    return this.transition('open', reason, detail);
  }

  private transition(to: CircuitState, reason: CircuitTransitionReason, detail: string): CircuitTransition {
    const from = this.currentState;
    const now = this.clock.now();
    this.currentState = to;
    this.since = now;
    this.probesInFlight = 0;
    this.probeSuccesses = 0;
    if (to === 'closed') {
      // A closed circuit starts with a clean slate; until then the snapshot shows what opened it.
      this.consecutiveFailures = 0;
      this.window.length = 0;
      this.windowNext = 0;
    }
    const transition: CircuitTransition = {
      provider: this.provider,
      from,
      to,
      reason,
      detail,
      at: new Date(now),
    };
    for (const listener of [...this.listeners]) listener(transition);
    return transition;
  }
}
