// Kafka requests per message during a phase, by client (each service's Kafka client id) and API,
// from the broker's own counts before and after it: the round trips behind the CPU figures.
import type { RequestCount } from '@switchboard/kafka-broker';
import { renderTable } from './report';

const COLUMNS = ['Produce', 'Fetch', 'OffsetCommit', 'Heartbeat'] as const;

/** What each client asked of each API between two snapshots. */
export function requestsBetween(before: RequestCount[], after: RequestCount[]): RequestCount[] {
  const earlier = new Map(before.map((count) => [`${count.clientId}\u0000${count.api}`, count.requests]));
  return after
    .map((count) => ({
      ...count,
      requests: count.requests - (earlier.get(`${count.clientId}\u0000${count.api}`) ?? 0),
    }))
    .filter((count) => count.requests > 0);
}

export function renderRequestsPerMessage(requests: RequestCount[], messages: number): string {
  // Batched phases ask for a few hundredths of a request per message: those keep a third decimal.
  const perMessage = (value: number) => {
    const each = value / Math.max(messages, 1);
    return each.toFixed(each > 0 && each < 0.1 ? 3 : 2);
  };
  const clients = [...new Set(requests.map(({ clientId }) => clientId))].sort();
  const rowOf = (wanted: (api: string) => boolean, clientId?: string) => {
    const total = requests
      .filter((count) => (clientId === undefined || count.clientId === clientId) && wanted(count.api))
      .reduce((sum, count) => sum + count.requests, 0);
    return perMessage(total);
  };
  const isColumn = (api: string) => (COLUMNS as readonly string[]).includes(api);
  const row = (label: string, clientId?: string) => [
    label,
    ...COLUMNS.map((column) => rowOf((api) => api === column, clientId)),
    rowOf((api) => !isColumn(api), clientId),
    rowOf(() => true, clientId),
  ];
  return renderTable(
    ['client', ...COLUMNS, 'other', 'in all'],
    [...clients.map((clientId) => row(clientId || '(no client id)', clientId)), row('every client')],
  );
}
