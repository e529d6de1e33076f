import { Global, Module } from '@nestjs/common';
import { DeliveryEventTopic } from '@switchboard/contracts';
import { consumerReadiness, EventPublisher, KAFKA } from '@switchboard/messaging';
import type { Kafka } from 'kafkajs';
import { DeadLetterPayloads } from './dead-letter-payloads';
import { DeadLettersConsumer } from './dead-letters.consumer';
import { DeadLettersController } from './dead-letters.controller';
import { DeadLettersRepository } from './dead-letters.repository';
import { KafkaRedrivePublisher } from './kafka-redrive-publisher';
import { ListDeadLettersUsecase } from './list-dead-letters.usecase';
import { ListOperatorDeadLettersUsecase } from './list-operator-dead-letters.usecase';
import { OperatorDeadLettersController } from './operator-dead-letters.controller';
import { RedriveDeadLettersUsecase } from './redrive-dead-letters.usecase';

/** Ready while the dead letters consumer is in its group. */
export const DeadLettersConsumerReadiness = consumerReadiness('dead-letters-consumer', DeadLettersConsumer);

// Global so that the health module can see the consumer for its readiness check.
@Global()
@Module({
  controllers: [DeadLettersController, OperatorDeadLettersController],
  providers: [
    DeadLettersRepository,
    DeadLetterPayloads,
    {
      provide: DeadLettersConsumer,
      useFactory: (kafka: Kafka, publisher: EventPublisher, repository: DeadLettersRepository) =>
        new DeadLettersConsumer(kafka, publisher, repository),
      inject: [KAFKA, EventPublisher, DeadLettersRepository],
    },
    {
      provide: KafkaRedrivePublisher,
      useFactory: (kafka: Kafka) => new KafkaRedrivePublisher(kafka),
      inject: [KAFKA],
    },
    {
      provide: ListDeadLettersUsecase,
      useFactory: (repository: DeadLettersRepository, payloads: DeadLetterPayloads) =>
        new ListDeadLettersUsecase(repository, payloads),
      inject: [DeadLettersRepository, DeadLetterPayloads],
    },
    {
      provide: ListOperatorDeadLettersUsecase,
      useFactory: (repository: DeadLettersRepository) => new ListOperatorDeadLettersUsecase(repository),
      inject: [DeadLettersRepository],
    },
    {
      provide: RedriveDeadLettersUsecase,
      useFactory: (
        repository: DeadLettersRepository,
        publisher: KafkaRedrivePublisher,
        events: EventPublisher,
      ) =>
        new RedriveDeadLettersUsecase(repository, publisher, (redriven) =>
          events.publishMany(DeliveryEventTopic.topic, redriven),
        ),
      inject: [DeadLettersRepository, KafkaRedrivePublisher, EventPublisher],
    },
  ],
  exports: [DeadLettersConsumer, DeadLetterPayloads],
})
export class DeadLettersModule {}
