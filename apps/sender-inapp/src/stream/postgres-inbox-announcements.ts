import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { InboxStore, StoredInboxItem } from '../inbox/inbox-store';
import type { InboxLiveFeed } from './inbox-live-feed';

export const INBOX_NOTIFY_CHANNEL = 'sender_inapp_new_items';
// PostgreSQL refuses a NOTIFY payload of 8000 bytes or more.
const MAX_PAYLOAD_BYTES = 7_000;
const RECONNECT_DELAY_MS = 1_000;

/** [tenant, recipient, sequence] of one new item. */
type Announced = [string, string, string];
interface Announcement {
  origin: string;
  items: Announced[];
}

/**
 * Tells the other replicas about new items through PostgreSQL NOTIFY, and listens for theirs:
 * an item stored by one replica reaches a client streaming from another. The payload holds only
 * keys; a listener reads the items of recipients it has streams for. While the listening
 * connection is down (it reconnects), other replicas' items wait for the client's next reconnect.
 */
export class PostgresInboxAnnouncements {
  private readonly logger = new Logger(PostgresInboxAnnouncements.name);
  private readonly origin = randomUUID();
  private client: Client | undefined;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly databaseUrl: string,
    private readonly dataSource: DataSource,
    private readonly store: InboxStore,
    private readonly feed: InboxLiveFeed,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.listen();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  async announce(items: readonly StoredInboxItem[]): Promise<void> {
    if (items.length === 0) return;
    const payloads = chunkPayloads(
      this.origin,
      items.map((item) => [item.tenantId, item.recipientId, item.sequence]),
    );
    await this.dataSource.query(`SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload`, [
      INBOX_NOTIFY_CHANNEL,
      payloads,
    ]);
  }

  private async listen(): Promise<void> {
    const client = new Client({
      connectionString: this.databaseUrl,
      application_name: 'switchboard-sender_inapp-listen',
    });
    client.on('notification', (notification) => {
      if (notification.channel === INBOX_NOTIFY_CHANNEL && notification.payload) {
        void this.received(notification.payload);
      }
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    await client.connect();
    await client.query(`LISTEN ${INBOX_NOTIFY_CHANNEL}`);
    this.client = client;
  }

  private lost(client: Client, error?: Error): void {
    if (this.stopped || this.client !== client) return;
    this.client = undefined;
    this.logger.warn(
      `listening for new inbox items stopped${error ? `: ${error.message}` : ''}; reconnecting`,
    );
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.reconnectTimer = setTimeout(() => {
      if (this.stopped) return;
      this.listen().catch((error: unknown) => {
        this.logger.warn(`reconnecting the inbox listener failed: ${(error as Error).message}`);
        this.scheduleReconnect();
      });
    }, RECONNECT_DELAY_MS);
  }

  private async received(payload: string): Promise<void> {
    try {
      const announcement = JSON.parse(payload) as Announcement;
      // This replica's own items went to its streams when they were stored.
      if (announcement.origin === this.origin) return;
      const wanted = announcement.items
        .filter(([tenantId, recipientId]) => this.feed.hasListeners({ tenantId, recipientId }))
        .map(([, , sequence]) => sequence);
      if (wanted.length === 0) return;
      this.feed.deliver(await this.store.findBySequences(wanted));
    } catch (error) {
      this.logger.warn(`an inbox announcement could not be handled: ${(error as Error).message}`);
    }
  }
}

/** Announcements of at most MAX_PAYLOAD_BYTES each (one item per payload at the least). */
export function chunkPayloads(origin: string, items: readonly Announced[]): string[] {
  const payloadOf = (entries: Announced[]) =>
    JSON.stringify({ origin, items: entries } satisfies Announcement);
  const emptyBytes = Buffer.byteLength(payloadOf([]));
  const payloads: string[] = [];
  let chunk: Announced[] = [];
  let bytes = emptyBytes;
  for (const item of items) {
    // An item adds its JSON and a comma.
    const itemBytes = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (chunk.length > 0 && bytes + itemBytes > MAX_PAYLOAD_BYTES) {
      payloads.push(payloadOf(chunk));
      chunk = [];
      bytes = emptyBytes;
    }
    chunk.push(item);
    bytes += itemBytes;
  }
  if (chunk.length > 0) payloads.push(payloadOf(chunk));
  return payloads;
}
