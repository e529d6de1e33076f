import { Inject, Injectable, type InjectionToken, type Type } from '@nestjs/common';
import type { ReadinessCheck } from '@switchboard/service-kit';
import type { HostedConsumer } from './consumer-host';

/**
 * A readiness check for HealthModule.register, named `name`: ready while every given host's
 * consumers are in their groups, so a consumer kafkajs gave up on takes the replica out. The hosts
 * (ConsumerHost classes, or the tokens of HostedConsumers a factory makes) are injected, not
 * provided again: their module must be visible to the health module (global).
 */
export function consumerReadiness(
  name: string,
  ...hosts: Array<InjectionToken<HostedConsumer>>
): Type<ReadinessCheck> {
  @Injectable()
  class ConsumerReadiness implements ReadinessCheck {
    readonly name = name;
    private readonly consumers: HostedConsumer[];

    constructor(...consumers: HostedConsumer[]) {
      this.consumers = consumers;
    }

    async isReady(): Promise<boolean> {
      return this.consumers.every((consumer) => consumer.isHealthy());
    }
  }
  hosts.forEach((host, index) => Inject(host)(ConsumerReadiness, undefined, index));
  return ConsumerReadiness;
}
