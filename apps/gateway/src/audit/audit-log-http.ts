import { Timestamp } from '@switchboard/contracts';
import { z } from 'zod';

export const MAX_AUDIT_LOG_PAGE_SIZE = 500;
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** Query of GET /v1/audit-log: the caller's tenant's entries, newest first. */
export const ListAuditLogQuery = z
  .strictObject({
    actorKeyId: z.string().min(1).max(200).optional().describe('Only changes made with this API key'),
    action: z
      .string()
      .min(1)
      .max(300)
      .optional()
      .describe('Only this action, the method and route pattern: `PUT /v1/message-types/{key}`'),
    target: z
      .string()
      .min(1)
      .max(300)
      .optional()
      .describe("Only entries whose target (the route's parameters) contains this text"),
    from: Timestamp.optional().describe('Recorded at or after'),
    to: Timestamp.optional().describe('Recorded before'),
    limit: z.coerce.number().int().min(1).max(MAX_AUDIT_LOG_PAGE_SIZE).default(50),
    cursor: z
      .string()
      .regex(/^[1-9][0-9]{0,17}$/, 'must be the nextCursor of the previous page')
      .optional()
      .describe('nextCursor of the previous page'),
  })
  .refine(
    (query) =>
      query.from === undefined || query.to === undefined || Date.parse(query.from) < Date.parse(query.to),
    {
      path: ['to'],
      message: 'must be after from',
    },
  );

export type ListAuditLogQuery = z.infer<typeof ListAuditLogQuery>;

export const AuditEntryView = z.strictObject({
  id: z.uuid(),
  sequence: z.number().int().positive(),
  recordedAt: z.string().describe('UTC with microseconds, exactly as the hash covers it'),
  actor: z.strictObject({
    type: z.enum(['api-key', 'operator', 'recipient', 'anonymous']),
    id: z.string().nullable().describe('Key id, operator key fingerprint or recipient id; null when unknown'),
    role: z.string().nullable(),
  }),
  action: z.string(),
  target: z.record(z.string(), z.string()).describe('Route parameters; personal data as sha256:<hex>'),
  status: z.number().int(),
  requestId: z.string(),
  clientAddress: z.string().nullable(),
  bodyDigest: Sha256.nullable().describe('sha256 of the request body as canonical JSON'),
  beforeDigest: Sha256.nullable().describe(
    'sha256 of the target before the change, where the route supplies it',
  ),
  previousHash: Sha256.nullable(),
  hash: Sha256,
});

export type AuditEntryView = z.infer<typeof AuditEntryView>;

export const AuditLogPage = z.strictObject({
  entries: z.array(AuditEntryView),
  nextCursor: z.string().nullable(),
});

export const AuditChainVerificationView = z.union([
  z.strictObject({
    ok: z.literal(true),
    entries: z.number().int(),
    head: z.strictObject({ sequence: z.number().int(), hash: Sha256 }).nullable(),
  }),
  z.strictObject({
    ok: z.literal(false),
    entries: z.number().int().describe('Entries that verified before the broken one'),
    broken: z.strictObject({
      sequence: z.number().int(),
      id: z.uuid(),
      problem: z.enum(['hash-mismatch', 'link-mismatch', 'gap']),
      detail: z.string(),
    }),
  }),
]);

export type AuditChainVerificationView = z.infer<typeof AuditChainVerificationView>;
