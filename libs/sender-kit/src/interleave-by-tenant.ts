/**
 * The items reordered so that tenants take turns: each tenant's first item (tenants in the order
 * they first appear), then each one's second, and so on. A batch is sent a chunk at a time and a
 * rate-limited provider hands out tokens in the order they are asked for, so a tenant whose few
 * dispatches came after another's hundreds now gets the next tokens instead of the last.
 *
 * Each tenant's own items keep their order, and with them each recipient's: the partition key is
 * tenant and recipient, so one recipient's dispatches are always of one tenant.
 */
export function interleaveByTenant<T>(items: readonly T[], tenantOf: (item: T) => string): T[] {
  const queues = new Map<string, T[]>();
  for (const item of items) {
    const tenant = tenantOf(item);
    const queue = queues.get(tenant);
    if (queue) queue.push(item);
    else queues.set(tenant, [item]);
  }
  if (queues.size < 2) return [...items];
  const turns = [...queues.values()];
  const interleaved: T[] = [];
  for (let round = 0; interleaved.length < items.length; round += 1) {
    for (const queue of turns) if (round < queue.length) interleaved.push(queue[round]);
  }
  return interleaved;
}
