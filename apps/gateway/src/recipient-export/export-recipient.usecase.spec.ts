import type {
  AnalyticsTimelineExport,
  ExportedMessage,
  ExportedRouting,
  InboxItem,
  RecipientExportDocument,
  RouterRecipientExport,
} from '@switchboard/contracts';
import { RecipientExportDocument as DocumentSchema } from '@switchboard/contracts';
import { randomUUID } from 'node:crypto';
import {
  ExportRecipient,
  type RecipientAuditEntries,
  type RecipientExportParts,
} from './export-recipient.usecase';

const NOW = new Date('2026-12-07T10:00:00.000Z');

function message(index: number): ExportedMessage {
  return {
    messageId: randomUUID(),
    acceptedAt: new Date(NOW.getTime() - 1_000_000 + index).toISOString(),
    source: 'http',
    recipient: { id: 'ada' },
    messageType: null,
    channels: ['email'],
    channelPolicy: null,
    priority: null,
    content: { subject: `Message ${index}`, text: 'Hello' },
    sendAt: null,
  };
}

/** In-memory parts paged as the services page them, counting the calls. */
class FakeParts implements RecipientExportParts {
  readonly calls: string[] = [];
  failOnMessagePage: number | undefined;

  constructor(
    private readonly accepted: ExportedMessage[],
    private readonly inboxItems: InboxItem[] = [],
    readonly hasInbox = true,
  ) {}

  async recipient(): Promise<RouterRecipientExport> {
    this.calls.push('recipient');
    return {
      profile: {
        recipientId: 'ada',
        email: 'ada@example.com',
        phone: null,
        timeZone: null,
        locale: null,
        attributes: {},
        pushSubscriptions: [],
        updatedAt: NOW.toISOString(),
      },
      preferences: null,
      suppressions: [],
      recurringSchedules: [],
    };
  }

  async messages(_tenantId: string, _recipientId: string, cursor: string | null, limit: number) {
    const start = cursor === null ? 0 : Number(cursor);
    const page = start / limit;
    this.calls.push(`messages ${page}`);
    if (page === this.failOnMessagePage) throw new Error('ingest went away');
    const end = start + limit;
    return {
      messages: this.accepted.slice(start, end),
      nextCursor: end < this.accepted.length ? String(end) : null,
    };
  }

  async routing(_tenantId: string, ids: readonly string[]): Promise<ExportedRouting[]> {
    this.calls.push(`routing ${ids.length}`);
    return ids.map((messageId) => ({
      messageId,
      decision: {
        decision: 'routed',
        rule: null,
        reason: null,
        channel: 'email',
        address: 'ada@example.com',
        decidedAt: NOW.toISOString(),
      },
      deferredUntil: null,
      releasedAt: null,
      cancelledAt: null,
    }));
  }

  async timelines(_tenantId: string, ids: readonly string[]): Promise<AnalyticsTimelineExport> {
    this.calls.push(`timelines ${ids.length}`);
    return {
      // Analytics may not have every message yet.
      messages: ids.slice(1).map((messageId) => ({
        messageId,
        status: 'sent',
        timeline: [{ type: 'sent', occurredAt: NOW.toISOString(), source: 'sender-email', channel: 'email' }],
      })),
      deadLetters: ids.slice(0, 1).map((messageId) => ({
        id: '7',
        messageId,
        originalTopic: 'sb.dispatch.email.normal.v1',
        originalPartition: 0,
        originalOffset: '12',
        reason: 'rejected',
        attempts: 5,
        payload: { to: 'ada@example.com' },
        parkedAt: NOW.toISOString(),
        redrivenAt: null,
      })),
    };
  }

  async inbox(_tenantId: string, _recipientId: string, cursor: string | null, limit: number) {
    this.calls.push('inbox');
    const start = cursor === null ? 0 : Number(cursor);
    const end = start + limit;
    return {
      items: this.inboxItems.slice(start, end),
      nextCursor: end < this.inboxItems.length ? String(end) : null,
    };
  }
}

const noAuditEntries: RecipientAuditEntries = {
  page: async () => ({ entries: [], lastSequence: null }),
};

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

describe('ExportRecipient', () => {
  it('writes every page of messages, each with its routing and timeline, as one document that its contract accepts', async () => {
    const messages = Array.from({ length: 250 }, (_, index) => message(index));
    const parts = new FakeParts(messages);
    const exporter = new ExportRecipient(parts, noAuditEntries, () => NOW);

    const text = await collect(await exporter.start('acme', 'ada'));

    const document = JSON.parse(text) as RecipientExportDocument;
    expect(DocumentSchema.safeParse(document).success).toBe(true);
    expect(document.messages.map((exported) => exported.messageId)).toEqual(
      messages.map((accepted) => accepted.messageId),
    );
    expect(document.messages[0]).toMatchObject({ status: null, timeline: [] });
    expect(document.messages[1]).toMatchObject({
      status: 'sent',
      routing: { decision: { decision: 'routed' } },
    });
    expect(document.complete).toBe(true);
    // Three pages of at most 100, each looked up by id at the router and analytics once.
    expect(parts.calls.filter((call) => call.startsWith('messages'))).toEqual([
      'messages 0',
      'messages 1',
      'messages 2',
    ]);
    expect(parts.calls.filter((call) => call.startsWith('routing'))).toEqual([
      'routing 100',
      'routing 100',
      'routing 50',
    ]);
  });

  it('asks every part before the first byte, so that a service down fails the export before it starts', async () => {
    const parts = new FakeParts([message(0)]);
    parts.failOnMessagePage = 0;
    const exporter = new ExportRecipient(parts, noAuditEntries, () => NOW);

    await expect(exporter.start('acme', 'ada')).rejects.toThrow('ingest went away');
  });

  it('ends the stream with an error, never with "complete", when a later page fails', async () => {
    const parts = new FakeParts(Array.from({ length: 150 }, (_, index) => message(index)));
    parts.failOnMessagePage = 1;
    const exporter = new ExportRecipient(parts, noAuditEntries, () => NOW);
    const chunks = await exporter.start('acme', 'ada');

    let written = '';
    await expect(
      (async () => {
        for await (const chunk of chunks) written += chunk;
      })(),
    ).rejects.toThrow('ingest went away');
    expect(written).toContain('"messages":[');
    expect(written).not.toContain('"complete"');
  });

  it('names the inbox as omitted when the gateway has no in-app sender to ask', async () => {
    const parts = new FakeParts([], [], false);
    const exporter = new ExportRecipient(parts, noAuditEntries, () => NOW);

    const document = JSON.parse(
      await collect(await exporter.start('acme', 'ada')),
    ) as RecipientExportDocument;

    expect(document.omitted).toEqual([
      { section: 'inbox', reason: expect.stringContaining('SENDER_INAPP_URL') },
    ]);
    expect(document.inbox).toEqual([]);
    expect(parts.calls).not.toContain('inbox');
  });
});
