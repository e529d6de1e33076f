import { Module } from '@nestjs/common';
import { EventPublisher } from '@switchboard/messaging';
import { CancelMessage } from './cancel-message.usecase';
import { CancellationStore } from './cancellation-store';
import { CancellationsController } from './cancellations.controller';
import { CancellationRepository } from './cancellation.repository';

@Module({
  controllers: [CancellationsController],
  providers: [
    CancellationRepository,
    { provide: CancellationStore, useExisting: CancellationRepository },
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
