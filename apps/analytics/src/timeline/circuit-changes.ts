import type { DeliveryEvent } from '@switchboard/contracts';
import type { CircuitState } from '@switchboard/delivery';

// Keyed by every state, so that a state added to the breaker fails to compile here until it is known.
const KNOWN_STATES: Record<CircuitState, true> = { closed: true, 'half-open': true, open: true };

export const CIRCUIT_STATES = Object.keys(KNOWN_STATES) as CircuitState[];

export interface CircuitChange {
  channel: string;
  provider: string;
  /** The state the circuit moved to. */
  state: CircuitState;
  changedAt: Date;
}

export function isCircuitState(value: unknown): value is CircuitState {
  return typeof value === 'string' && Object.hasOwn(KNOWN_STATES, value);
}

/**
 * The latest circuit change per channel and provider in a batch, so the batch needs one upsert
 * (PostgreSQL refuses to update the same row twice in one INSERT ... ON CONFLICT). The sender kit
 * names the new state in the event's `detail.to`; a circuit-changed event without a channel, a
 * provider or a known state says nothing about a circuit and is left out.
 */
export function circuitChanges(events: readonly DeliveryEvent[]): CircuitChange[] {
  const byCircuit = new Map<string, CircuitChange>();
  for (const event of events) {
    if (event.type !== 'circuit-changed') continue;
    const state = event.detail?.to;
    if (!event.channel || !event.provider || !isCircuitState(state)) continue;
    const change: CircuitChange = {
      channel: event.channel,
      provider: event.provider,
      state,
      changedAt: new Date(event.occurredAt),
    };
    const key = JSON.stringify([change.channel, change.provider]);
    const current = byCircuit.get(key);
    // At equal times the one published later wins, as the upsert does between batches.
    if (!current || change.changedAt.getTime() >= current.changedAt.getTime()) byCircuit.set(key, change);
  }
  return [...byCircuit.values()];
}
