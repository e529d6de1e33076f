import type { DeliveryEventTypeName } from '@switchboard/contracts';

// A message's lifecycle stages in order; a stage never gives way to an earlier one, so a late
// or redelivered 'rendered' cannot hide that the message was already sent.
const STATUS_RANK: Record<DeliveryEventTypeName, number> = {
  // A repeated request says nothing new about the original message's progress.
  duplicate: -1,
  accepted: 0,
  routed: 1,
  deferred: 1,
  skipped: 1,
  rendered: 2,
  sent: 3,
  delivered: 4,
  failed: 5,
  bounced: 5,
  complained: 5,
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
