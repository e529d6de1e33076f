import { Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HealthModule, READINESS_CHECKS, type ReadinessCheck } from '@switchboard/service-kit';
import { ConsumerHost, type HostedConsumer } from './consumer-host';
import { consumerReadiness } from './consumer-readiness';

const steps: string[] = [];

class FakeRunner implements HostedConsumer {
  healthy = false;

  constructor(private readonly group: string) {}

  async start(): Promise<void> {
    steps.push(`start ${this.group}`);
    this.healthy = true;
  }

  async stop(): Promise<void> {
    steps.push(`stop ${this.group}`);
    this.healthy = false;
  }

  isHealthy(): boolean {
    return this.healthy;
  }
}

@Injectable()
class OrdersConsumer extends ConsumerHost {
  readonly orders = this.host(new FakeRunner('orders'));
  readonly refunds = this.host(new FakeRunner('refunds'));

  protected override async beforeStart(): Promise<void> {
    steps.push('provision topics');
  }
}

@Injectable()
class AuditConsumer extends ConsumerHost {
  readonly audit = this.host(new FakeRunner('audit'));
}

// Stands for the messaging module's publisher, which closes in the shutdown hooks.
@Injectable()
class Publisher implements OnApplicationShutdown {
  onApplicationShutdown(): void {
    steps.push('publisher closed');
  }
}

@Global()
@Module({ providers: [Publisher, OrdersConsumer, AuditConsumer], exports: [OrdersConsumer, AuditConsumer] })
class ConsumersModule {}

async function startApp() {
  steps.length = 0;
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConsumersModule,
      HealthModule.register([consumerReadiness('consumers', OrdersConsumer, AuditConsumer)]),
    ],
  }).compile();
  const app = await moduleRef.init();
  const [readiness] = app.get<ReadinessCheck[]>(READINESS_CHECKS, { strict: false });
  return { app, readiness, orders: app.get(OrdersConsumer), audit: app.get(AuditConsumer) };
}

describe('ConsumerHost', () => {
  it('starts its consumers on bootstrap after its preparation, and stops them before the publisher closes', async () => {
    const { app } = await startApp();

    expect(steps.slice(0, 3)).toEqual(['provision topics', 'start orders', 'start refunds']);
    expect(steps).toContain('start audit');

    steps.length = 0;
    await app.close();

    expect(steps.indexOf('publisher closed')).toBe(steps.length - 1);
    expect([...steps].sort()).toEqual(['publisher closed', 'stop audit', 'stop orders', 'stop refunds']);
  });
});

describe('consumerReadiness', () => {
  it('reports the very instances the app runs: ready while every consumer of every host is in its group', async () => {
    const { app, readiness, orders, audit } = await startApp();

    expect(readiness.name).toBe('consumers');
    expect(await readiness.isReady()).toBe(true);

    orders.refunds.healthy = false;
    expect(await readiness.isReady()).toBe(false);

    orders.refunds.healthy = true;
    audit.audit.healthy = false;
    expect(await readiness.isReady()).toBe(false);

    await app.close();
  });
});
