import type {
  DeadLetterView,
  ExportedMessage,
  InboxItem,
  RecipientExportAuditEntry,
  RecipientExportMessage,
  RecipientExportOmission,
} from '@switchboard/contracts';
import type { AuditEntryPage, RecipientAuditEntryRepository } from './recipient-audit-entry.repository';
import type { RecipientExportSources } from './recipient-export-sources';

export const RECIPIENT_EXPORT_FORMAT = 'switchboard.recipient-export.v1';
// A page of messages is one call to ingest and one to each of router and analytics (their id limit).
const MESSAGE_PAGE_SIZE = 100;
const INBOX_PAGE_SIZE = 200;
const AUDIT_PAGE_SIZE = 500;

/** What the export reads: the services' parts and the gateway's own audit log. */
export type RecipientExportParts = Pick<
  RecipientExportSources,
  'hasInbox' | 'recipient' | 'messages' | 'routing' | 'timelines' | 'inbox'
>;
export type RecipientAuditEntries = Pick<RecipientAuditEntryRepository, 'page'>;

interface Page<Item> {
  items: Item[];
  /** Reads the next page; null when this was the last. */
  next: (() => Promise<Page<Item>>) | null;
}

/**
 * Everything held about one person, as one JSON document written a page at a time, so that a
 * person with a hundred thousand messages never sits in memory at once. Every service is asked
 * once before the first byte: one that is down fails the export with 503. A failure later can no
 * longer change the status, so it ends the stream with an error (the connection is cut) and the
 * document lacks its closing `"complete": true`: never a shorter export that looks whole.
 */
export class ExportRecipient {
  constructor(
    private readonly sources: RecipientExportParts,
    private readonly auditEntries: RecipientAuditEntries,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async start(tenantId: string, recipientId: string): Promise<AsyncIterable<string>> {
    const omitted: RecipientExportOmission[] = [];
    if (!this.sources.hasInbox) {
      omitted.push({
        section: 'inbox',
        reason: 'the gateway has no SENDER_INAPP_URL: the in-app sender was not asked',
      });
    }
    const [router, messages, inbox] = await Promise.all([
      this.sources.recipient(tenantId, recipientId),
      this.messagePage(tenantId, recipientId, null),
      this.sources.hasInbox ? this.inboxPage(tenantId, recipientId, null) : { items: [], next: null },
    ]);
    const profile = router.profile;
    const addresses = profile
      ? [profile.email, profile.phone, ...profile.pushSubscriptions.map(({ endpoint }) => endpoint)].filter(
          (address): address is string => address !== null,
        )
      : [];
    const auditEntries = await this.auditPage(tenantId, recipientId, addresses, 0);
    const head = {
      format: RECIPIENT_EXPORT_FORMAT,
      tenantId,
      recipientId,
      exportedAt: this.now().toISOString(),
      omitted,
      profile,
      preferences: router.preferences,
      suppressions: router.suppressions,
      recurringSchedules: router.recurringSchedules,
    };
    return writeDocument(head, [
      ['messages', messages],
      ['inbox', inbox],
      ['auditEntries', auditEntries],
    ]);
  }

  private async messagePage(
    tenantId: string,
    recipientId: string,
    cursor: string | null,
  ): Promise<Page<RecipientExportMessage>> {
    const page = await this.sources.messages(tenantId, recipientId, cursor, MESSAGE_PAGE_SIZE);
    const nextCursor = page.nextCursor;
    return {
      items: await this.withRoutingAndTimelines(tenantId, page.messages),
      next: nextCursor === null ? null : () => this.messagePage(tenantId, recipientId, nextCursor),
    };
  }

  private async withRoutingAndTimelines(
    tenantId: string,
    messages: readonly ExportedMessage[],
  ): Promise<RecipientExportMessage[]> {
    if (messages.length === 0) return [];
    const ids = messages.map((message) => message.messageId);
    const [routing, analytics] = await Promise.all([
      this.sources.routing(tenantId, ids),
      this.sources.timelines(tenantId, ids),
    ]);
    const routingOf = new Map(routing.map(({ messageId, ...rest }) => [messageId, rest]));
    const timelineOf = new Map(analytics.messages.map((timeline) => [timeline.messageId, timeline]));
    const deadLettersOf = new Map<string | null, DeadLetterView[]>();
    for (const letter of analytics.deadLetters) {
      deadLettersOf.set(letter.messageId, [...(deadLettersOf.get(letter.messageId) ?? []), letter]);
    }
    return messages.map((message) => ({
      ...message,
      routing: routingOf.get(message.messageId) ?? null,
      status: timelineOf.get(message.messageId)?.status ?? null,
      timeline: timelineOf.get(message.messageId)?.timeline ?? [],
      deadLetters: deadLettersOf.get(message.messageId) ?? [],
    }));
  }

  private async inboxPage(
    tenantId: string,
    recipientId: string,
    cursor: string | null,
  ): Promise<Page<InboxItem>> {
    const page = await this.sources.inbox(tenantId, recipientId, cursor, INBOX_PAGE_SIZE);
    const nextCursor = page.nextCursor;
    return {
      items: page.items,
      next: nextCursor === null ? null : () => this.inboxPage(tenantId, recipientId, nextCursor),
    };
  }

  private async auditPage(
    tenantId: string,
    recipientId: string,
    addresses: readonly string[],
    afterSequence: number,
  ): Promise<Page<RecipientExportAuditEntry>> {
    const page: AuditEntryPage = await this.auditEntries.page(
      tenantId,
      recipientId,
      addresses,
      afterSequence,
      AUDIT_PAGE_SIZE,
    );
    const lastSequence = page.lastSequence;
    return {
      items: page.entries,
      next:
        lastSequence === null ? null : () => this.auditPage(tenantId, recipientId, addresses, lastSequence),
    };
  }
}

/** The head's fields, then each section as an array written page by page, then `"complete": true`. */
async function* writeDocument(
  head: Record<string, unknown>,
  sections: ReadonlyArray<readonly [string, Page<unknown>]>,
): AsyncGenerator<string> {
  // The head object without its closing brace: the sections continue it.
  yield JSON.stringify(head).slice(0, -1);
  for (const [name, firstPage] of sections) {
    yield `,${JSON.stringify(name)}:[`;
    let page: Page<unknown> | null = firstPage;
    let first = true;
    while (page) {
      let chunk = '';
      for (const item of page.items) {
        chunk += `${first ? '' : ','}\n${JSON.stringify(item)}`;
        first = false;
      }
      if (chunk !== '') yield chunk;
      page = page.next ? await page.next() : null;
    }
    yield ']';
  }
  yield ',"complete":true}\n';
}
