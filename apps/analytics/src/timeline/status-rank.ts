import type { DeliveryEventTypeName } from '@switchboard/contracts';

// A message's lifecycle stages in order; a stage never gives way to an earlier one, so a late
// or redelivered 'rendered' cannot hide that the message was already sent.
const STATUS_RANK: Record<DeliveryEventTypeName, number> = {
  // A repeated request says nothing new about the original message's progress.
  duplicate: -1,
  // Steps on the way that leave the status where it is; they show in the timeline only.
  'attempt-failed': -1,
  'retry-scheduled': -1,
  'failed-over': -1,
  'circuit-changed': -1,
  redriven: -1,
  // The person was erased: the message's facts stay where they were.
  erased: -1,
  // Ranks lowest so that the new round's steps replace it; it replaces any status itself (see
  // messageStatusUpdates), since the message starts over on another channel.
  rerouted: -1,
  accepted: 0,
  routed: 1,
  deferred: 1,
  // A waiting message the tenant cancelled: the same stage as its deferral, and later.
  cancelled: 1,
  skipped: 1,
  rendered: 2,
  // Parked, but a redrive can still send it: below 'sent' so the send that follows shows.
  'dead-lettered': 3,
  sent: 4,
  delivered: 5,
  // In-app: reading or archiving an item means it was delivered.
  read: 5,
  archived: 5,
  failed: 6,
  bounced: 6,
  complained: 6,
};

export function statusRank(status: DeliveryEventTypeName): number {
  return STATUS_RANK[status];
}

export interface StatusCandidate {
  status: DeliveryEventTypeName;
  occurredAt: Date;
}

/** Whether `next` should replace `current`: a later stage wins; within one stage, the later event. */
export function supersedes(next: StatusCandidate, current: StatusCandidate): boolean {
  const nextRank = statusRank(next.status);
  const currentRank = statusRank(current.status);
  if (nextRank !== currentRank) return nextRank > currentRank;
  return next.occurredAt.getTime() > current.occurredAt.getTime();
}
