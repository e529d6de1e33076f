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

/**
 * The PayloadCipher the publisher seals personal fields with (and consumers open them with),
 * provided by a global module of the app (EncryptionModule of @switchboard/encryption). An app
 * without it publishes personal fields as they are: only tests and tools do that.
 */
export const PAYLOAD_CIPHER = Symbol('PAYLOAD_CIPHER');
