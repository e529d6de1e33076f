import { nameBasedUuid } from './name-based-uuid';

/** Where an upstream event sits in Kafka; the offset is a decimal string, as kafkajs gives it. */
export interface UpstreamPosition {
  topic: string;
  partition: number;
  offset: string;
}

// Fixed forever: changing it would give a redelivered event a new message id.
const UPSTREAM_MESSAGE_NAMESPACE = '7d024580-d315-41b8-a5ad-c264a2c6cc7f';

/**
 * The message id of an upstream event, the same on every delivery: from the tenant and the
 * event's idempotency key when it has one (so a re-published event is the same message), else
 * from its position in Kafka (so only a redelivery of that very record is).
 */
export function upstreamMessageId(
  event: { tenant: string; idempotencyKey?: string },
  position: UpstreamPosition,
): string {
  const name =
    event.idempotencyKey === undefined
      ? ['position', position.topic, position.partition, position.offset]
      : ['idempotency-key', event.tenant, event.idempotencyKey];
  // JSON keeps the parts apart whatever characters they contain.
  return nameBasedUuid(UPSTREAM_MESSAGE_NAMESPACE, JSON.stringify(name));
}
