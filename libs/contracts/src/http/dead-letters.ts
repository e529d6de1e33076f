import { z } from 'zod';
import { TenantId, Timestamp } from '../common';
import { opaque } from '../validation';

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
  payload: opaque(),
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
  /** Ids that were not parked (unknown, another tenant's, or already redriven); for operators, of any tenant. */
  notFound: z.array(z.string()),
});

/**
 * Query of GET /v1/operator/dead-letters: the tenant route's, across every tenant unless narrowed to
 * one tenant or to the dead letters that have none (the two narrowings exclude each other).
 */
export const ListOperatorDeadLettersQuery = ListDeadLettersQuery.extend({
  tenant: TenantId.optional(),
  /** Only those whose tenant could not be read: neither a tenant header nor one named in the payload. */
  withoutTenant: z
    .enum(['true', 'false'])
    .transform((flag) => flag === 'true')
    .optional(),
}).refine((query) => !(query.tenant !== undefined && query.withoutTenant === true), {
  path: ['withoutTenant'],
  error: 'cannot be true together with tenant',
});

/** A dead letter as an operator sees it: with its tenant, or null when none could be read. */
export const OperatorDeadLetterView = DeadLetterView.extend({
  // Not TenantId: letters stored before tenants were checked may name anything.
  tenantId: z.string().nullable(),
});

export const OperatorDeadLetterPage = z.strictObject({
  items: z.array(OperatorDeadLetterView),
  nextCursor: z.string().nullable(),
});

/**
 * Body of POST /v1/operator/dead-letters/redrive: these ids whatever their tenant, or every parked
 * one of a topic, of every tenant unless narrowed like the list.
 */
export const OperatorRedriveDeadLettersRequest = z.union([
  z.strictObject({ ids: z.array(z.string().min(1).max(100)).min(1).max(MAX_REDRIVE_IDS) }),
  z.strictObject({ topic: z.string().min(1).max(249), tenant: TenantId.optional() }),
  z.strictObject({ topic: z.string().min(1).max(249), withoutTenant: z.literal(true) }),
]);

export type ListDeadLettersQuery = z.infer<typeof ListDeadLettersQuery>;
export type ListOperatorDeadLettersQuery = z.infer<typeof ListOperatorDeadLettersQuery>;
export type OperatorDeadLetterView = z.infer<typeof OperatorDeadLetterView>;
export type OperatorDeadLetterPage = z.infer<typeof OperatorDeadLetterPage>;
export type OperatorRedriveDeadLettersRequest = z.infer<typeof OperatorRedriveDeadLettersRequest>;
export type DeadLetterView = z.infer<typeof DeadLetterView>;
export type DeadLetterPage = z.infer<typeof DeadLetterPage>;
export type RedriveDeadLettersRequest = z.infer<typeof RedriveDeadLettersRequest>;
export type RedriveDeadLettersResponse = z.infer<typeof RedriveDeadLettersResponse>;
