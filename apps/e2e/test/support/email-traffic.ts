import type { SesEmulator } from '@switchboard/testing';
import type { GatewayClient } from './e2e-platform';

export interface SentRequest {
  address: string;
  requestedAt: number;
  /** The HTTP status; 0 when no answer came (connection refused or reset). */
  status?: number;
  answeredAt?: number;
  messageId?: string;
  retryAfter?: string | null;
  /** The problem's code (and error id, for a 500) when the answer was not 202. */
  problem?: string;
}

export interface EmailStreamOptions {
  intervalMs: number;
  /** Each request goes to `<prefix><index>@example.com`, so its email can be told apart. */
  addressPrefix: string;
  content: { subject: string; text: string };
}

/** POST /v1/messages at a steady pace, each to an address of its own, without waiting for the answers. */
export class EmailStream {
  readonly requests: SentRequest[] = [];
  private running = true;
  private readonly answers: Array<Promise<void>> = [];
  private readonly loop: Promise<void>;

  constructor(
    private readonly api: GatewayClient,
    private readonly options: EmailStreamOptions,
  ) {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all(this.answers);
  }

  accepted(): SentRequest[] {
    return this.requests.filter((request) => request.status === 202);
  }

  private async run(): Promise<void> {
    const startedAt = Date.now();
    for (let index = 0; this.running; index++) {
      const request: SentRequest = {
        address: `${this.options.addressPrefix}${index}@example.com`,
        requestedAt: Date.now(),
      };
      this.requests.push(request);
      this.answers.push(this.send(request));
      // A steady pace rather than a wait for something: the next request is due at a fixed time.
      const dueAt = startedAt + (index + 1) * this.options.intervalMs;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, dueAt - Date.now())));
    }
  }

  private async send(request: SentRequest): Promise<void> {
    try {
      const answer = await this.api.post<{ messageId: string; code?: string; errorId?: string }>(
        '/v1/messages',
        {
          recipient: { email: request.address },
          content: this.options.content,
        },
      );
      request.status = answer.status;
      request.messageId = answer.body.messageId;
      request.retryAfter = answer.headers.get('retry-after');
      if (answer.status !== 202)
        request.problem = [answer.body.code, answer.body.errorId].filter(Boolean).join(' ');
    } catch {
      request.status = 0;
    }
    request.answeredAt = Date.now();
  }
}

/** When each address first appeared at the SES emulator, and how many emails it got. */
export class OutboxWatcher {
  readonly firstSeenAt = new Map<string, number>();
  readonly emailsPerAddress = new Map<string, number>();
  private seen = 0;
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly ses: SesEmulator,
    private readonly addressPrefix: string,
  ) {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Emails beyond the first, over every address. */
  duplicates(): number {
    return [...this.emailsPerAddress.values()].reduce((sum, count) => sum + count - 1, 0);
  }

  private async run(): Promise<void> {
    while (this.running) {
      // The emulator's store only grows: what is past `seen` arrived since the last look.
      const emails = await this.ses.sentEmails().catch(() => undefined);
      const now = Date.now();
      for (const email of emails?.slice(this.seen) ?? []) {
        for (const address of email.to.filter((to) => to.startsWith(this.addressPrefix))) {
          if (!this.firstSeenAt.has(address)) this.firstSeenAt.set(address, now);
          this.emailsPerAddress.set(address, (this.emailsPerAddress.get(address) ?? 0) + 1);
        }
      }
      this.seen = emails?.length ?? this.seen;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
