import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DEAD_LETTER_TOPIC } from '@switchboard/contracts';
import { readHeaders } from '@switchboard/messaging';
import type { Consumer, Kafka } from 'kafkajs';
import type { DeadLettersRepository } from './dead-letters.repository';
import { parkedDeadLetterOf, type ParkedDeadLetter } from './parked-record';

export const DEAD_LETTERS_CONSUMER_GROUP = 'analytics-dead-letters';

// Dead letters are rare; a short wait keeps the list current without many empty fetches.
const MAX_WAIT_MS = 500;

/**
 * Stores every record of the dead-letter topic, a fetched batch in one statement, committing only
 * after it is stored. The topic's records are raw (any payload, JSON or not, with the original
 * headers), so this reads them with kafkajs directly rather than through ConsumerRunner, which decodes
 * payloads against a contract and would park what it cannot decode on this very topic.
 */
export class DeadLettersConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeadLettersConsumer.name);
  private consumer: Consumer | undefined;
  private running = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly deadLetters: DeadLettersRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: DEAD_LETTERS_CONSUMER_GROUP,
      maxWaitTimeInMs: MAX_WAIT_MS,
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.logger.error('dead letters consumer crashed', {
        error: payload.error.message,
        restarting: payload.restart,
      });
      if (!payload.restart) this.running = false;
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [DEAD_LETTER_TOPIC], fromBeginning: true });
    // A batch that fails to store throws: kafkajs fetches it again, nothing is committed past it.
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const letters: ParkedDeadLetter[] = [];
        for (const message of batch.messages) {
          const letter = parkedDeadLetterOf({
            key: message.key ?? null,
            value: message.value ?? null,
            headers: readHeaders(message.headers),
            timestamp: new Date(Number(message.timestamp)),
          });
          if (letter) letters.push(letter);
          else {
            this.logger.warn('a dead letter without its origin headers was not stored', {
              partition: batch.partition,
              offset: message.offset,
            });
          }
        }
        if (letters.length > 0) await this.deadLetters.store(letters);
      },
    });
    this.running = true;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.consumer?.disconnect();
  }

  isHealthy(): boolean {
    return this.running;
  }
}
