import type { DeliveryEvent } from '@switchboard/contracts';
import type { DecisionRecord } from './decision-store';
import { ROUTER_SOURCE } from './router-source';

/** The timeline event of a decision: its outcome, the rule that decided it and why. */
export function decisionEvent(decision: DecisionRecord): DeliveryEvent {
  const detail: Record<string, string> = {};
  if (decision.messageType !== undefined) detail.messageType = decision.messageType;
  if (decision.orderedByPreference) detail.channelOrder = 'recipient preference';
  return {
    tenantId: decision.tenantId,
    messageId: decision.messageId,
    type: decision.decision,
    occurredAt: decision.decidedAt.toISOString(),
    source: ROUTER_SOURCE,
    ...(decision.channel === undefined ? {} : { channel: decision.channel }),
    ...(decision.reason === undefined ? {} : { reason: decision.reason }),
    ...(decision.rule === undefined ? {} : { rule: decision.rule }),
    ...(Object.keys(detail).length === 0 ? {} : { detail }),
  };
}

/** 'all' sends on every chosen channel; 'fallback' on the first, keeping the others for failures. */
export function requestsToPublish(decision: DecisionRecord): DecisionRecord['renderRequests'] {
  if (decision.decision !== 'routed') return [];
  return decision.channelPolicy === 'all' ? decision.renderRequests : decision.renderRequests.slice(0, 1);
}
