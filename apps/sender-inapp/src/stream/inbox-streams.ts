import { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { inboxItemView } from '../inbox/inbox-item-view';
import type { InboxOwner, InboxStore, StoredInboxItem } from '../inbox/inbox-store';
import { REFUSALS, type RecipientRequest } from '../http/recipient-token.guard';
import type { InboxLiveFeed } from './inbox-live-feed';

// What a reconnecting client is sent at most of what it missed; older items it pages through.
const MAX_REPLAYED_ITEMS = 100;
/** Asks EventSource to reconnect after this long when the stream ends (e.g. at a shutdown). */
const RECONNECT_AFTER_MS = 2_000;
const SEQUENCE = /^[1-9][0-9]{0,18}$/;
// setTimeout fires at once for longer delays; a token may live a week, so longer waits are chained.
const MAX_TIMER_MS = 2_147_483_647;

interface OpenStream {
  response: ServerResponse;
  close(): void;
}

/**
 * Server-sent events of new inbox items, one stream per connected client: `event: inbox-item`
 * with the item as JSON and its sequence as the event id. A client that reconnects with
 * Last-Event-ID first gets what it missed. Comment lines keep an idle stream open. When the
 * recipient token the stream was opened with expires, a last `event: token-expired` says so and
 * the stream ends: a token must not keep working for as long as a connection lasts.
 */
export class InboxStreams {
  private readonly logger = new Logger(InboxStreams.name);
  private readonly open = new Set<OpenStream>();
  private closing = false;

  constructor(
    private readonly feed: InboxLiveFeed,
    private readonly store: InboxStore,
    private readonly heartbeatMs: number,
  ) {}

  get size(): number {
    return this.open.size;
  }

  async stream(owner: InboxOwner, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const lastEventId = request.headers['last-event-id'];
    const replayAfter =
      typeof lastEventId === 'string' && SEQUENCE.test(lastEventId) ? lastEventId : undefined;
    // The stream is written by hand from here on; headers set so far (CORS) go out with it.
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Proxies such as nginx would otherwise hold the events back in a buffer.
      'x-accel-buffering': 'no',
    });
    response.write(`retry: ${RECONNECT_AFTER_MS}\n: connected\n\n`);

    // Live items arriving during the replay wait, so that the client gets them after what it missed.
    let pending: StoredInboxItem[] | undefined = replayAfter === undefined ? undefined : [];
    const send = (item: StoredInboxItem) => {
      if (pending) pending.push(item);
      else write(response, item);
    };
    const unsubscribe = this.feed.subscribe(owner, send);
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), this.heartbeatMs);
    heartbeat.unref();
    let expiry: NodeJS.Timeout | undefined;
    const stream: OpenStream = {
      response,
      close: () => {
        if (!this.open.delete(stream)) return;
        clearInterval(heartbeat);
        clearTimeout(expiry);
        unsubscribe();
        if (!response.writableEnded) response.end();
      },
    };
    const expiresAt = (request as RecipientRequest).recipientTokenExpiresAt.getTime();
    const endAtExpiry = () => {
      const left = expiresAt - Date.now();
      if (left > 0) {
        expiry = setTimeout(endAtExpiry, Math.min(left, MAX_TIMER_MS));
        expiry.unref();
        return;
      }
      if (!response.writableEnded) {
        response.write(
          `event: token-expired\ndata: ${JSON.stringify({ reason: 'expired', detail: REFUSALS.expired })}\n\n`,
        );
      }
      stream.close();
    };
    this.open.add(stream);
    response.on('close', stream.close);
    response.on('error', stream.close);
    if (this.closing) stream.close();
    else endAtExpiry();

    if (replayAfter !== undefined) {
      try {
        const missed = await this.store.listAfter(owner, replayAfter, MAX_REPLAYED_ITEMS);
        const sent = new Set(missed.map((item) => item.messageId));
        for (const item of missed) write(response, item);
        for (const item of pending ?? []) if (!sent.has(item.messageId)) write(response, item);
      } catch (error) {
        this.logger.warn(`replaying missed inbox items failed: ${(error as Error).message}`);
        for (const item of pending ?? []) write(response, item);
      }
      pending = undefined;
    }
  }

  /** Ends every stream (at shutdown), so the HTTP server can close; clients reconnect elsewhere. */
  closeAll(): void {
    this.closing = true;
    for (const stream of [...this.open]) stream.close();
  }
}

function write(response: ServerResponse, item: StoredInboxItem): void {
  if (response.writableEnded) return;
  response.write(`id: ${item.sequence}\nevent: inbox-item\ndata: ${JSON.stringify(inboxItemView(item))}\n\n`);
}
