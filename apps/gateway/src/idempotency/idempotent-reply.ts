import { Inject, Injectable } from '@nestjs/common';
import { parseInput } from '@switchboard/service-kit';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ExecuteIdempotentRequest } from './execute-idempotent-request.usecase';
import type { StoredResponse } from './idempotency-record';
import { IdempotencyEncryption } from './idempotency-encryption';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

const IdempotencyKeyHeader = z.strictObject({
  'Idempotency-Key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
});

export interface IdempotentCall {
  tenantId: string;
  /** The parsed Idempotency-Key header; without one the work simply runs. */
  key: string | undefined;
  /** Method and route template, e.g. `POST /v1/messages`. */
  route: string;
  /** The body as received, before defaults are applied. */
  body: unknown;
}

/** Parses the Idempotency-Key header (400 naming it when malformed). */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  return parseInput(IdempotencyKeyHeader, { 'Idempotency-Key': header }, 'Idempotency-Key header')[
    'Idempotency-Key'
  ];
}

/** Runs a route's work under its Idempotency-Key and writes the (possibly replayed) status. */
@Injectable()
export class IdempotentReply {
  constructor(
    @Inject(ExecuteIdempotentRequest) private readonly executeIdempotentRequest: ExecuteIdempotentRequest,
    @Inject(IdempotencyEncryption) private readonly encryption: IdempotencyEncryption,
  ) {}

  async send(
    reply: FastifyReply,
    call: IdempotentCall,
    work: () => Promise<StoredResponse>,
  ): Promise<unknown> {
    if (call.key === undefined) {
      const response = await work();
      void reply.status(response.status);
      return response.body;
    }
    const outcome = await this.executeIdempotentRequest.execute(
      {
        tenantId: call.tenantId,
        key: call.key,
        ...this.encryption.fingerprint(call.tenantId, call.route, call.body),
      },
      work,
    );
    void reply.status(outcome.response.status);
    if (outcome.replayed) void reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
    return outcome.response.body;
  }
}
