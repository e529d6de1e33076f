import type { z } from 'zod';

/** Whose personal data a payload holds: the key its fields are sealed with. */
export interface PersonalDataOwner {
  tenantId: string;
  /** With it, the recipient's own key, which erasing them destroys; without it, the tenant's. */
  recipientId?: string;
}

/**
 * The personal fields of a topic's payload, sealed by the publisher and opened by the consumer,
 * so that retained records hold no plaintext. The owner fields must stay outside `fields`: a
 * consumer reads them from the sealed payload to find the key.
 */
export interface PersonalData<TPayload> {
  /** Dot paths (`*` for any key or array element); an absent field is left as it is. */
  readonly fields: readonly string[];
  owner(payload: TPayload): PersonalDataOwner;
}

/** A topic, the one payload schema it carries, and how its events are partitioned. */
export interface TopicContract<TPayload, TTopic extends string = string> {
  readonly topic: TTopic;
  readonly schemaName: string;
  readonly schemaVersion: number;
  readonly schema: z.ZodType<TPayload>;
  /** Partition key; tenant + recipient keeps one recipient's events in order. */
  key(payload: TPayload): string;
  /** Absent: the payload holds no personal data. */
  readonly personalData?: PersonalData<TPayload>;
}

export type PayloadOf<TContract> = TContract extends TopicContract<infer TPayload, string> ? TPayload : never;

export function defineTopic<TPayload, const TTopic extends `sb.${string}.v${number}`>(definition: {
  topic: TTopic;
  schemaName: string;
  schemaVersion: number;
  schema: z.ZodType<TPayload>;
  key(payload: NoInfer<TPayload>): string;
  personalData?: PersonalData<NoInfer<TPayload>>;
}): TopicContract<TPayload, TTopic> {
  return definition;
}
