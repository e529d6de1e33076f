import { Logger } from '@nestjs/common';
import { DEAD_LETTER_TOPIC } from '@switchboard/contracts';
import { ConsumerHost, ConsumerRunner, type EventPublisher, type RawRecord } from '@switchboard/messaging';
import type { Kafka } from 'kafkajs';
import type { DeadLettersRepository } from './dead-letters.repository';
import { parkedDeadLetterOf, type ParkedDeadLetter } from './parked-record';

export const DEAD_LETTERS_CONSUMER_GROUP = 'analytics-dead-letters';

/**
 * Stores every record of the dead-letter topic, a fetched batch in one statement, committing only
 * after it is stored. The topic's records are raw (any payload, JSON or not, with the original
 * headers), so they are taken undecoded: a contract check would park what it cannot decode on
 * this very topic. The runner waits out a database outage and isolates a letter the database
 * refuses, so one bad letter never holds the others.
 */
export class DeadLettersConsumer extends ConsumerHost {
  private readonly logger = new Logger(DeadLettersConsumer.name);

  constructor(
    kafka: Kafka,
    publisher: EventPublisher,
    private readonly deadLetters: DeadLettersRepository,
  ) {
    super();
    this.host(
      new ConsumerRunner(kafka, publisher, {
        groupId: DEAD_LETTERS_CONSUMER_GROUP,
      }).onRawBatch(DEAD_LETTER_TOPIC, (records) => this.store(records)),
    );
  }

  private async store(records: RawRecord[]): Promise<void> {
    const letters: ParkedDeadLetter[] = [];
    for (const record of records) {
      const letter = parkedDeadLetterOf(record);
      if (letter) letters.push(letter);
      else {
        this.logger.warn('a dead letter without its origin headers was not stored', {
          partition: record.partition,
          offset: record.offset,
        });
      }
    }
    if (letters.length > 0) await this.deadLetters.store(letters);
  }
}
