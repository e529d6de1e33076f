import { z } from 'zod';
import { Timestamp } from '../common';
import { ErasingService, ErasureId } from '../events/recipient-erasure/recipient-erasure';

/** DELETE /v1/recipients/{id}?erase=true: the erasure was asked of every service. */
export const ErasureAccepted = z.strictObject({
  erasureId: ErasureId,
  statusUrl: z.string(),
});
export type ErasureAccepted = z.infer<typeof ErasureAccepted>;

/** One service's part of an erasure, as GET /v1/erasures/{id} shows it. */
export const ErasureServiceStatus = z.strictObject({
  service: ErasingService,
  confirmed: z.boolean(),
  confirmedAt: Timestamp.nullable(),
});

/**
 * An erasure and whether every service has confirmed it: `complete` only when the router, ingest
 * and the in-app sender have, and analytics has scrubbed every message ingest erased.
 */
export const ErasureView = z.strictObject({
  erasureId: ErasureId,
  requestedAt: Timestamp,
  complete: z.boolean(),
  services: z.array(ErasureServiceStatus),
  messages: z.strictObject({ erased: z.number().int(), historyScrubbed: z.number().int() }),
});
export type ErasureView = z.infer<typeof ErasureView>;
