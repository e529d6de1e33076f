import type { z } from 'zod';

/** A topic, the one payload schema it carries, and how its events are partitioned. */
export interface TopicContract<TPayload, TTopic extends string = string> {
  readonly topic: TTopic;
  readonly schemaName: string;
  readonly schemaVersion: number;
  readonly schema: z.ZodType<TPayload>;
  /** Partition key; tenant + recipient keeps one recipient's events in order. */
  key(payload: TPayload): string;
}

export type PayloadOf<TContract> = TContract extends TopicContract<infer TPayload, string> ? TPayload : never;

export function defineTopic<TPayload, const TTopic extends `sb.${string}.v${number}`>(definition: {
  topic: TTopic;
  schemaName: string;
  schemaVersion: number;
  schema: z.ZodType<TPayload>;
  key(payload: NoInfer<TPayload>): string;
}): TopicContract<TPayload, TTopic> {
  return definition;
}
