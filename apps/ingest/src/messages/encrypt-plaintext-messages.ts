import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MessageEncryption } from '../encryption/message-encryption';

/** Rows rewritten per statement: short enough that nothing waiting on one of them notices. */
export const MESSAGE_REWRITE_BATCH = 500;

interface PlaintextMessageRow {
  message_id: string;
  tenant_id: string;
  recipient: Record<string, unknown>;
  content: Record<string, unknown>;
}

/**
 * Encrypts the messages stored before encryption at rest came, in batches, at every start (in the
 * background: reads take plaintext rows as they are meanwhile). They are found by the partial
 * index messages_plaintext, so a start with nothing to do costs one cheap query. A row a replica
 * of the previous version writes during a rolling update is rewritten at the next start.
 */
@Injectable()
export class EncryptPlaintextMessages implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EncryptPlaintextMessages.name);
  private readonly stopping = new AbortController();
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly encryption: MessageEncryption,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.execute(this.stopping.signal)
      .then((rewritten) => {
        if (rewritten > 0) this.logger.log(`encrypted ${rewritten} messages stored in plaintext`);
      })
      .catch((error: unknown) => {
        if (this.stopping.signal.aborted) return;
        // Reads keep taking plaintext, so this is not fatal; the next start tries again.
        this.logger.error(
          `encrypting plaintext messages stopped: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  /** Rewrites every plaintext row there is; how many. */
  async execute(signal?: AbortSignal): Promise<number> {
    let rewritten = 0;
    // Keyset order, so that each row is visited once per run whatever happens to it meanwhile.
    let afterId = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      signal?.throwIfAborted();
      const rows: PlaintextMessageRow[] = await this.dataSource.query(
        `SELECT message_id, tenant_id, recipient, content FROM ingest.messages
         WHERE jsonb_typeof(content) = 'object' AND message_id > $1
         ORDER BY message_id
         LIMIT $2`,
        [afterId, MESSAGE_REWRITE_BATCH],
      );
      if (rows.length === 0) return rewritten;
      // No transaction holds the rows while they are sealed (sealing may create keys on another
      // connection); the UPDATE changes only rows still holding the plaintext read.
      const sealed = await this.encryption.sealMany(
        rows.map((row) => ({ tenantId: row.tenant_id, recipient: row.recipient, content: row.content })),
      );
      const [{ count }]: Array<{ count: number }> = await this.dataSource.query(
        `WITH rewritten AS (
           UPDATE ingest.messages m
           SET recipient = sealed.recipient::jsonb, content = to_jsonb(sealed.content)
           FROM unnest($1::uuid[], $2::text[], $3::text[]) AS sealed(message_id, recipient, content)
           WHERE m.message_id = sealed.message_id AND jsonb_typeof(m.content) = 'object'
           RETURNING 1)
         SELECT count(*)::int AS count FROM rewritten`,
        [
          rows.map((row) => row.message_id),
          sealed.map((values) => JSON.stringify(values.recipient)),
          sealed.map((values) => values.content),
        ],
      );
      rewritten += count;
      afterId = rows[rows.length - 1].message_id;
    }
  }
}
