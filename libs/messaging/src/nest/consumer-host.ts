import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type InjectionToken,
  type OnApplicationBootstrap,
  type Type,
} from '@nestjs/common';

/** What a host starts, stops and asks for health: a ConsumerRunner, a PriorityLaneConsumer, a host. */
export interface HostedConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
  isHealthy(): boolean;
}

/**
 * Runs a service's consumers for as long as its Nest app runs. They start on bootstrap, once every
 * module is initialised and the publisher connected. They stop before the shutdown hooks, so the
 * publisher is still open while in-flight batches finish, publish their events or dead letters,
 * and commit. A subclass registers its runners with `host()` and keeps only its topics and handlers.
 */
export abstract class ConsumerHost
  implements HostedConsumer, OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly consumers: HostedConsumer[] = [];

  /** Starts, stops and reports the consumer with the host's others; returns it. */
  protected host<Consumer extends HostedConsumer>(consumer: Consumer): Consumer {
    this.consumers.push(consumer);
    return consumer;
  }

  /** What must be done before any consumer joins its group: topics to create, offsets to adopt. */
  protected beforeStart?(): Promise<void>;

  /** Resolves once every consumer has joined its group. */
  async start(): Promise<void> {
    await this.beforeStart?.();
    await Promise.all(this.consumers.map((consumer) => consumer.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }

  /** Every consumer in its group; one kafkajs gave up on counts as unhealthy while it restarts. */
  isHealthy(): boolean {
    return this.consumers.every((consumer) => consumer.isHealthy());
  }

  onApplicationBootstrap(): Promise<void> {
    return this.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }
}

/**
 * A provider that starts and stops, as a ConsumerHost does its own, the HostedConsumer a factory
 * provides under `token` (a channel sender): on bootstrap, and before the shutdown hooks, while the
 * publisher is still open for the batches in flight.
 */
export function hostedConsumerLifecycle(
  token: InjectionToken<HostedConsumer>,
): Type<OnApplicationBootstrap & BeforeApplicationShutdown> {
  @Injectable()
  class HostedConsumerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
    constructor(@Inject(token) private readonly consumer: HostedConsumer) {}

    onApplicationBootstrap(): Promise<void> {
      return this.consumer.start();
    }

    beforeApplicationShutdown(): Promise<void> {
      return this.consumer.stop();
    }
  }
  return HostedConsumerLifecycle;
}
