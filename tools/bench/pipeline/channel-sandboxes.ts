// The provider sandboxes of the SMS and push channels, each in a process of its own like the SES
// emulator, and what they (and the in-app inbox) received of each message, so the mixed and
// failing runs can tell a message that never arrived from one that arrived twice.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { InboxPage, InboxTokenResponse, parseOrThrow, type ChannelName } from '@switchboard/contracts';
import {
  connectToPushService,
  connectToSnsEmulator,
  type ChannelSenderSettings,
  type PushServiceControl,
  type SesMailbox,
  type SmsOutbox,
} from '@switchboard/testing';
import type { DistributedPipeline, InfrastructureProcess } from './distributed-pipeline';
import { startInfrastructureProcess } from './distributed-pipeline';
import type { Submitted } from './phases';
import type { LabelledProcess } from './process-cpu';
import type { ChannelMessage } from './workload';

// Registrations and inbox reads are set-up and checks, not measured: a few at a time is enough.
const API_CONCURRENCY = 8;
const INBOX_PAGE_SIZE = 100;

export class ChannelSandboxes {
  private constructor(
    private readonly snsProcess: InfrastructureProcess,
    private readonly pushProcess: InfrastructureProcess,
    readonly sns: SmsOutbox,
    readonly push: PushServiceControl,
    readonly mailbox: SesMailbox,
  ) {}

  /** Starts the SNS emulator and the push service; the SES emulator is the bench's own. */
  static async start(mailbox: SesMailbox): Promise<ChannelSandboxes> {
    const snsProcess = await startInfrastructureProcess('sns-emulator');
    try {
      const pushProcess = await startInfrastructureProcess('push-service');
      return new ChannelSandboxes(
        snsProcess,
        pushProcess,
        connectToSnsEmulator(snsProcess.address),
        connectToPushService(pushProcess.address),
        mailbox,
      );
    } catch (error) {
      await snsProcess.stop();
      throw error;
    }
  }

  /** The SMS, push and in-app senders' settings: these sandboxes, a fresh VAPID key pair and token secret. */
  channelSettings(): ChannelSenderSettings {
    return {
      sms: { snsEndpoint: this.snsProcess.address },
      push: {
        ...vapidKeyPair(),
        vapidSubject: 'mailto:bench@switchboard.local',
        sandboxOrigins: [this.pushProcess.address],
      },
      inapp: { tokenSecrets: [randomBytes(32).toString('base64url')] },
    };
  }

  processes(): LabelledProcess[] {
    return [
      { label: 'SNS emulator', pid: this.snsProcess.pid },
      { label: 'push service', pid: this.pushProcess.pid },
    ];
  }

  /**
   * Gives every push recipient among the messages a subscription of its own at the push service,
   * registered through the public API, as a browser's page would.
   */
  async registerPushRecipients(pipeline: DistributedPipeline, messages: ChannelMessage[]): Promise<void> {
    const recipientIds = messages
      .filter((message) => message.channels[0] === 'push')
      .map((message) => recipientIdOf(message));
    await inParallel(recipientIds, API_CONCURRENCY, async (recipientId) => {
      const path = `/v1/recipients/${encodeURIComponent(recipientId)}`;
      expectStatus(await pipeline.post(path, {}, 'PUT'), [200, 201], `PUT ${path}`);
      const subscription = await this.push.createSubscription();
      expectStatus(
        await pipeline.post(`${path}/push-subscriptions`, {
          endpoint: subscription.endpoint,
          keys: subscription.keys,
        }),
        [200, 201],
        `POST ${path}/push-subscriptions`,
      );
    });
  }

  /**
   * How many copies of each message arrived: emails at the SES emulator (by address), SMS at the
   * SNS emulator (by number), pushes the push service decrypted (by the message id in the
   * payload), items in each in-app recipient's inbox (read through the end-user API).
   */
  async deliveredCopies(
    pipeline: DistributedPipeline,
    messages: ReadonlyArray<Submitted<ChannelMessage>>,
  ): Promise<Map<string, number>> {
    const copies = new Map<string, number>(messages.map(({ messageId }) => [messageId, 0]));
    const count = (messageId: string | undefined) => {
      if (messageId !== undefined && copies.has(messageId))
        copies.set(messageId, (copies.get(messageId) ?? 0) + 1);
    };
    const byAddress = new Map<string, string>();
    for (const { messageId, message } of messages) {
      if (message.channels[0] !== 'push' && message.channels[0] !== 'inapp') {
        byAddress.set(addressOf(message), messageId);
      }
    }
    const channels = new Set<ChannelName>(messages.map(({ message }) => message.channels[0]));
    if (channels.has('email')) {
      for (const email of await this.mailbox.sentEmails()) {
        for (const address of email.to) count(byAddress.get(address));
      }
    }
    if (channels.has('sms')) {
      for (const sms of await this.sns.sentSms()) count(byAddress.get(sms.phoneNumber));
    }
    if (channels.has('push')) {
      for (const push of await this.push.receivedPushes()) {
        count(messageIdInPayload(push.payload));
      }
    }
    const inapp = messages.filter(({ message }) => message.channels[0] === 'inapp');
    await inParallel(inapp, API_CONCURRENCY, async ({ message }) => {
      for (const item of await readInbox(pipeline, recipientIdOf(message))) count(item.messageId);
    });
    return copies;
  }

  /** Empties the outboxes (the SES emulator's too) between phases; inboxes belong to one phase's recipients. */
  async clear(): Promise<void> {
    await Promise.all([this.mailbox.clear(), this.sns.clear(), this.push.clear()]);
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.snsProcess.stop(), this.pushProcess.stop()]);
  }
}

function recipientIdOf(message: ChannelMessage): string {
  if (!('id' in message.recipient)) {
    throw new Error(`a ${message.channels[0]} message of the bench needs a recipient id`);
  }
  return message.recipient.id;
}

function addressOf(message: ChannelMessage): string {
  if ('email' in message.recipient) return message.recipient.email;
  if ('phone' in message.recipient) return message.recipient.phone;
  throw new Error(`a ${message.channels[0]} message of the bench needs an inline address`);
}

function messageIdInPayload(payload: string | null): string | undefined {
  if (payload === null) return undefined;
  const parsed: unknown = JSON.parse(payload);
  return typeof parsed === 'object' &&
    parsed !== null &&
    'messageId' in parsed &&
    typeof parsed.messageId === 'string'
    ? parsed.messageId
    : undefined;
}

/** Every item of a recipient's inbox, with a recipient token the gateway issues. */
async function readInbox(pipeline: DistributedPipeline, recipientId: string): Promise<InboxPage['items']> {
  const inboxUrl = pipeline.inboxUrl;
  if (inboxUrl === undefined) throw new Error('sender-inapp is not running: no inbox to read');
  const tokenPath = `/v1/recipients/${encodeURIComponent(recipientId)}/inbox-token`;
  const tokenResponse = await pipeline.post(tokenPath, {});
  expectStatus(tokenResponse, [200], `POST ${tokenPath}`);
  const { token } = parseOrThrow(InboxTokenResponse, JSON.parse(tokenResponse.text), 'inbox token');
  const items: InboxPage['items'] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ status: 'all', limit: String(INBOX_PAGE_SIZE) });
    if (cursor !== null) query.set('cursor', cursor);
    const response = await fetch(`${inboxUrl}/v1/inbox?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await response.text();
    if (response.status !== 200) {
      throw new Error(`GET /v1/inbox for ${recipientId} answered ${response.status}: ${text.slice(0, 300)}`);
    }
    const page = parseOrThrow(InboxPage, JSON.parse(text), 'inbox page');
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

/** A VAPID key pair as sender-push reads it: the uncompressed P-256 point and the 32-byte scalar, base64url. */
function vapidKeyPair(): { vapidPublicKey: string; vapidPrivateKey: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  if (!jwk.x || !jwk.y || !jwk.d) throw new Error('the P-256 key pair exported without its coordinates');
  const point = Buffer.concat([
    Buffer.from([0x04]),
    Buffer.from(jwk.x, 'base64url'),
    Buffer.from(jwk.y, 'base64url'),
  ]);
  return { vapidPublicKey: point.toString('base64url'), vapidPrivateKey: jwk.d };
}

function expectStatus(response: { status: number; text: string }, expected: number[], call: string): void {
  if (!expected.includes(response.status)) {
    throw new Error(`${call} answered ${response.status}: ${response.text.slice(0, 300)}`);
  }
}

async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
