import {
  type BeforeApplicationShutdown,
  Controller,
  type DynamicModule,
  Get,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { PublicRoute, type ReadinessCheck } from '@switchboard/service-kit';
import type { ChannelSender, ChannelSenderStatus } from '../channel-sender';
import type { Dispatch } from '../dispatch-batch';

/** The app's ChannelSender, injectable by this token. */
export const CHANNEL_SENDER = Symbol('CHANNEL_SENDER');

/** What the Nest wiring uses of a sender, whatever its dispatch type. */
type AnySender = Pick<ChannelSender<Dispatch>, 'start' | 'stop' | 'isHealthy' | 'status'>;

/** Starts consuming once the app is up; stops before the publisher closes, so in-flight sends report. */
@Injectable()
class ChannelSenderLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(CHANNEL_SENDER) private readonly sender: AnySender) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sender.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sender.stop();
  }
}

/** Ready while every lane and retry consumer is in its group; for HealthModule.register. */
@Injectable()
export class ChannelSenderReadiness implements ReadinessCheck {
  readonly name = 'consumer';

  constructor(@Inject(CHANNEL_SENDER) private readonly sender: AnySender) {}

  async isReady(): Promise<boolean> {
    return this.sender.isHealthy();
  }
}

/** GET /status/providers: each provider's circuit, rate limit and counters. */
@PublicRoute(
  "an SRE's view of the providers (names, circuits, rate limits, platform-wide counters); no tenant or personal data",
)
@Controller('status')
export class ProviderStatusController {
  constructor(@Inject(CHANNEL_SENDER) private readonly sender: AnySender) {}

  @Get('providers')
  providers(): ChannelSenderStatus {
    return this.sender.status();
  }
}

export interface ChannelSenderModuleOptions {
  /** Builds the sender from the injected dependencies. */
  useFactory(...dependencies: never[]): AnySender | Promise<AnySender>;
  inject?: Array<string | symbol | (abstract new (...args: never[]) => unknown)>;
}

/**
 * Provides CHANNEL_SENDER, runs it with the app and serves its status. Global, so that the health
 * module can see it for ChannelSenderReadiness.
 */
@Module({})
export class ChannelSenderModule {
  static register(options: ChannelSenderModuleOptions): DynamicModule {
    return {
      module: ChannelSenderModule,
      global: true,
      controllers: [ProviderStatusController],
      providers: [
        { provide: CHANNEL_SENDER, useFactory: options.useFactory, inject: options.inject ?? [] },
        ChannelSenderLifecycle,
      ],
      exports: [CHANNEL_SENDER],
    };
  }
}
