import type { KafkaSettings } from '../kafka';
import type { TopicSpec } from '../provision-topics';

export interface MessagingModuleOptions {
  kafka: KafkaSettings;
  /** Created on start when missing, with the dead-letter topic. */
  topics?: TopicSpec[];
}

/** The Kafka client instance MessagingModule provides: `@Inject(KAFKA) kafka: Kafka`. */
export const KAFKA = Symbol('KAFKA');
export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
