import { z } from 'zod';
import { MessageId } from '../common';
import { opaque } from '../validation';

export const MAX_MESSAGES_PER_BATCH = 1000;

/** Answer to POST /v1/messages: the message is durable from this answer on. */
export const SendMessageResponse = z.strictObject({
  messageId: MessageId,
  status: z.literal('accepted'),
});

/**
 * Body of POST /v1/messages/batch. Items stay `unknown` here: each is validated on its own
 * against SendMessageRequest, so one bad item is rejected without failing the others.
 */
export const SendMessageBatchRequest = z.strictObject({
  messages: z.array(opaque()).min(1).max(MAX_MESSAGES_PER_BATCH),
});

const FieldProblem = z.strictObject({ field: z.string(), problem: z.string() });

export const BatchItemResult = z.discriminatedUnion('status', [
  z.strictObject({ index: z.number().int().min(0), status: z.literal('accepted'), messageId: MessageId }),
  z.strictObject({
    index: z.number().int().min(0),
    status: z.literal('rejected'),
    /** Fields are named relative to the item, e.g. `recipient.email`. */
    problems: z.array(FieldProblem).min(1),
  }),
]);

/** Answer to POST /v1/messages/batch: 202 when every item was accepted, 207 otherwise. */
export const SendMessageBatchResponse = z.strictObject({
  accepted: z.number().int().min(0),
  rejected: z.number().int().min(0),
  results: z.array(BatchItemResult),
});

export type SendMessageResponse = z.infer<typeof SendMessageResponse>;
export type SendMessageBatchRequest = z.infer<typeof SendMessageBatchRequest>;
export type BatchItemResult = z.infer<typeof BatchItemResult>;
export type SendMessageBatchResponse = z.infer<typeof SendMessageBatchResponse>;
