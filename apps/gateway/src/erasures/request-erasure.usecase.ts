import { randomUUID } from 'node:crypto';
import { RecipientErasureTopic, type ErasureAccepted } from '@switchboard/contracts';
import type { EventPublisher } from '@switchboard/messaging';
import type { ErasureRepository } from './erasure.repository';

/**
 * Asks every service to forget a recipient: records the erasure (so its status can be asked at
 * once), then publishes it. A publish that fails leaves a recorded erasure nobody works on, whose
 * status stays incomplete: the caller sees the failure and asks again.
 */
export class RequestErasure {
  constructor(
    private readonly store: ErasureRepository,
    private readonly publisher: EventPublisher,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(request: {
    tenantId: string;
    recipientId: string;
    requestId: string;
  }): Promise<ErasureAccepted> {
    const erasureId = randomUUID();
    const requestedAt = this.now();
    await this.store.create({
      erasureId,
      tenantId: request.tenantId,
      requestId: request.requestId,
      requestedAt,
    });
    await this.publisher.publish(RecipientErasureTopic.topic, {
      erasureId,
      tenantId: request.tenantId,
      recipientId: request.recipientId,
      requestId: request.requestId,
      requestedAt: requestedAt.toISOString(),
    });
    return { erasureId, statusUrl: `/v1/erasures/${erasureId}` };
  }
}
