import { z } from 'zod';
import { Timestamp } from '../common';

export const MAX_DEAD_LETTER_PAGE_SIZE = 200;
export const MAX_REDRIVE_IDS = 1000;

/** Query of GET /v1/dead-letters. */
export const ListDeadLettersQuery = z.strictObject({
  /** Only those parked from this topic, e.g. sb.dispatch.sms.normal.v1. */
  topic: z.string().min(1).max(249).optional(),
  status: z.enum(['parked', 'redriven', 'all']).default('parked'),
  limit: z.coerce.number().int().min(1).max(MAX_DEAD_LETTER_PAGE_SIZE).default(50),
  cursor: z.string().min(1).max(200).optional(),
});

export const DeadLetterView = z.strictObject({
  id: z.string(),
  messageId: z.string().nullable(),
  originalTopic: z.string(),
  originalPartition: z.number().int(),
  originalOffset: z.string(),
  reason: z.string(),
  attempts: z.number().int().min(0),
  /** The event as it was parked: parsed JSON, or the raw text when it was not JSON. */
  payload: z.unknown(),
  parkedAt: Timestamp,
  redrivenAt: Timestamp.nullable(),
});

export const DeadLetterPage = z.strictObject({
  items: z.array(DeadLetterView),
  nextCursor: z.string().nullable(),
});

/** Body of POST /v1/dead-letters/redrive: these ids, or every parked one of a topic. */
export const RedriveDeadLettersRequest = z.union([
  z.strictObject({ ids: z.array(z.string().min(1).max(100)).min(1).max(MAX_REDRIVE_IDS) }),
  z.strictObject({ topic: z.string().min(1).max(249) }),
]);

export const RedriveDeadLettersResponse = z.strictObject({
  redriven: z.number().int().min(0),
  /** Ids that were not parked (unknown, another tenant's, or already redriven). */
  notFound: z.array(z.string()),
});

export type ListDeadLettersQuery = z.infer<typeof ListDeadLettersQuery>;
export type DeadLetterView = z.infer<typeof DeadLetterView>;
export type DeadLetterPage = z.infer<typeof DeadLetterPage>;
export type RedriveDeadLettersRequest = z.infer<typeof RedriveDeadLettersRequest>;
export type RedriveDeadLettersResponse = z.infer<typeof RedriveDeadLettersResponse>;
