import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Admin, Kafka } from 'kafkajs';
import { createKafka } from '../kafka';
import { errorMessage, nestMessagingLog } from '../messaging-log';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './tokens';

const CHECK_TIMEOUT_MS = 2000;

/**
 * Whether the broker answers a metadata request: as a terminus indicator (`isHealthy`) and
 * as a readiness check (`name`, `isReady`).
 */
@Injectable()
export class MessagingHealthIndicator implements OnApplicationShutdown {
  readonly name = 'kafka';
  private readonly kafka: Kafka;
  private admin: Admin | undefined;

  // A client of its own that does not retry: a probe must answer now, not after kafkajs's
  // backoff. Its connection errors are the check's result, so they are logged at debug only.
  constructor(@Inject(MESSAGING_OPTIONS) options: MessagingModuleOptions) {
    const log = nestMessagingLog('MessagingHealthIndicator');
    this.kafka = createKafka(
      { ...options.kafka, clientId: `${options.kafka.clientId}-health`, retry: { retries: 0 } },
      (_level, message, fields) => log('debug', message, fields),
    );
  }

  async isHealthy<const Key extends string = 'kafka'>(key?: Key): Promise<HealthIndicatorResult<Key>> {
    const indicator = new HealthIndicatorService().check((key ?? 'kafka') as Key);
    try {
      const brokers = await this.describeCluster();
      return indicator.up({ brokers });
    } catch (error) {
      return indicator.down({ message: errorMessage(error) });
    }
  }

  async isReady(): Promise<boolean> {
    try {
      await this.describeCluster();
      return true;
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dropAdmin();
  }

  private async describeCluster(): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer from the broker within ${CHECK_TIMEOUT_MS} ms`)),
        CHECK_TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([this.askBroker(), timeout]);
    } catch (error) {
      // A fresh connection next time, rather than one kafkajs may still be retrying.
      await this.dropAdmin();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async askBroker(): Promise<number> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin;
      await admin.connect();
    }
    const cluster = await this.admin.describeCluster();
    return cluster.brokers.length;
  }

  private async dropAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}
