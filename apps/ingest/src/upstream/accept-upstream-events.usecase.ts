import { Logger } from '@nestjs/common';
import type { AcceptMessages, AcceptOutcome } from '../messages/accept-messages.usecase';
import type { IngestMessage } from '../messages/ingest-message';
import type { TriggerCache } from '../triggers/trigger-cache';
import { findTrigger, type ReceivedUpstreamEvent, upstreamMessage } from './upstream-message';
import { checkUpstreamTenant, type UpstreamTopicBindings } from './upstream-topic-bindings';

export type UpstreamEventOutcome =
  | { outcome: AcceptOutcome; messageId: string }
  | { outcome: 'skipped'; reason: string }
  /** Named a tenant its topic is not bound to: to be dead-lettered with the reason. */
  | { outcome: 'rejected'; reason: string };

/** Counts events that became no message, by reason; an OpenTelemetry counter in the service. */
export interface SkippedEventCounter {
  add(value: number, attributes: Record<string, string>): void;
}

/**
 * Turns the events of a batch that match a trigger into messages (accepted together, in one
 * write); the others are counted, logged and skipped. An event naming a tenant its topic is not
 * bound to is rejected before that tenant's triggers are even read.
 */
export class AcceptUpstreamEvents {
  private readonly logger = new Logger(AcceptUpstreamEvents.name);

  constructor(
    private readonly triggers: TriggerCache,
    private readonly acceptMessages: AcceptMessages,
    private readonly bindings: UpstreamTopicBindings,
    private readonly skippedEvents: SkippedEventCounter,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(batch: ReceivedUpstreamEvent[]): Promise<UpstreamEventOutcome[]> {
    const tenantChecks = batch.map(({ event, position }) =>
      checkUpstreamTenant(this.bindings, position.topic, event.tenant),
    );
    const admitted = batch.filter((_, index) => tenantChecks[index].allowed);
    const triggersByTenant = await this.triggers.triggersFor(admitted.map(({ event }) => event.tenant));
    const acceptedAt = this.now();
    const planned = batch.map((received, index) => {
      if (!tenantChecks[index].allowed) return undefined;
      const trigger = findTrigger(triggersByTenant, received.event);
      return trigger ? upstreamMessage(received, trigger, acceptedAt) : undefined;
    });

    const outcomes = await this.acceptMessages.execute(
      planned.filter((message): message is IngestMessage => message !== undefined),
    );
    return batch.map((received, index) => {
      const tenantCheck = tenantChecks[index];
      if (!tenantCheck.allowed) return this.reject(received, tenantCheck.reason);
      const message = planned[index];
      if (!message) return this.skip(received);
      const { messageId } = message.message;
      const outcome = outcomes.get(messageId);
      if (!outcome) throw new Error(`accepting the batch gave no outcome for message ${messageId}`);
      return { outcome, messageId };
    });
  }

  // Logged where it is dead-lettered; counted here, so that a producer speaking for others shows.
  private reject({ position }: ReceivedUpstreamEvent, reason: string): UpstreamEventOutcome {
    this.skippedEvents.add(1, { topic: position.topic, reason: 'tenant_not_allowed' });
    return { outcome: 'rejected', reason };
  }

  private skip({ event, position }: ReceivedUpstreamEvent): UpstreamEventOutcome {
    const reason = `no trigger for ${event.type}`;
    this.skippedEvents.add(1, { topic: position.topic, reason: 'no_trigger' });
    this.logger.log(
      `skipped upstream event of tenant ${event.tenant} at ${position.topic}/${position.partition}@${position.offset}: ${reason}`,
    );
    return { outcome: 'skipped', reason };
  }
}
