import { Module } from '@nestjs/common';
import { EventPublisher } from '@switchboard/messaging';
import { CancelMessage } from './cancel-message.usecase';
import { CancellationStore } from './cancellation-store';
import { CancellationsController } from './cancellations.controller';
import { PgCancellationStore } from './pg-cancellation-store';

@Module({
  controllers: [CancellationsController],
  providers: [
    PgCancellationStore,
    { provide: CancellationStore, useExisting: PgCancellationStore },
    {
      provide: CancelMessage,
      useFactory: (cancellations: CancellationStore, events: EventPublisher) =>
        new CancelMessage(cancellations, events),
      inject: [CancellationStore, EventPublisher],
    },
  ],
  // Routing reads the cancellations of messages that arrive after them.
  exports: [CancellationStore],
})
export class CancellationsModule {}
