import { Logger } from '@nestjs/common';
import type { ApiKeyStore } from './api-key-store';

/**
 * When each key was last used, gathered in memory and written in one statement now and then, so
 * that authenticating a request costs no write. A crash loses at most one interval of it.
 */
export class ApiKeyUsage {
  private readonly logger = new Logger(ApiKeyUsage.name);
  private pending = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ApiKeyStore,
    private readonly flushIntervalMs: number,
  ) {}

  note(keyId: string, at: Date): void {
    this.pending.set(keyId, at);
    if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), this.flushIntervalMs);
      // An idle gateway has nothing to write; pending uses are written at shutdown.
      this.timer.unref();
    }
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const uses = this.pending;
    this.pending = new Map();
    try {
      await this.store.recordUse(uses);
    } catch (error) {
      // Last use is a convenience for the key list, never a reason to fail a request.
      this.logger.warn('could not record when API keys were last used', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
