import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditContextOf } from './audit-context';
import type { AuditEntryDraft } from './audit-entry';
import { digestOf } from './audit-digest';
import { AuditLog } from './audit-log';
import { type AuditedRequestFacts, auditSubjectOf } from './audit-subject';
import { auditAction, auditTarget } from './audit-target';

const STATE_CHANGING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Reads that hand a person's data out in bulk are worth a trail of their own.
const AUDITED_READ_PERMISSIONS = new Set(['recipients:export']);
// Refused before any handler ran and changed nothing: an unknown credential, a request limit.
// (A 403 is kept: a key trying what it may not do is worth seeing.)
const NOT_RECORDED_STATUSES = new Set([401, 429]);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Records every state-changing request in the audit log, after its handler has finished and
 * before the answer leaves (Fastify's onSend), so that an acknowledged change is always logged.
 * A hook rather than an interceptor alone: it also sees the routes that send their own reply
 * (the public HTML pages), refusals by a guard, and the final status an error was mapped to.
 * If the entry cannot be written, the caller gets 503 instead of the handler's answer.
 */
@Injectable()
export class AuditRecorder implements OnModuleInit {
  private readonly logger = new Logger(AuditRecorder.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly auditLog: AuditLog,
  ) {}

  // Before the app listens: Fastify attaches root hooks to every route when it becomes ready.
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onSend', (request, reply, payload) => this.record(request, reply, payload));
  }

  private async record(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const route = request.routeOptions.url;
    if (route === undefined || !(STATE_CHANGING_METHODS.has(request.method) || isAuditedRead(request))) {
      return payload;
    }
    if (NOT_RECORDED_STATUSES.has(reply.statusCode)) return payload;
    const draft = draftOf(request, route, reply.statusCode);
    if (!isWorthRecording(draft)) return payload;
    void reply.header('x-request-id', draft.requestId);
    try {
      await this.auditLog.append(draft);
      return payload;
    } catch (error) {
      this.logger.error(
        `could not record ${draft.action} (status ${draft.status}, request ${draft.requestId}) in the ` +
          `audit log of ${draft.chain}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return unrecordedAnswer(reply, request.url);
    }
  }
}

function isAuditedRead(request: FastifyRequest): boolean {
  const access = auditContextOf(request).routeAccess;
  return access?.kind === 'api-key' && AUDITED_READ_PERMISSIONS.has(access.permission);
}

/**
 * A refusal that names nobody (a body that did not parse before any credential was checked, a
 * link that is not genuine) changed nothing and tells nothing; recording it would let anyone
 * grow the platform's chain at will. Anonymous calls that succeed (provider callbacks) are kept.
 */
export function isWorthRecording(draft: Pick<AuditEntryDraft, 'actor' | 'status'>): boolean {
  return !(draft.actor.type === 'anonymous' && draft.status >= 400 && draft.status < 500);
}

function draftOf(request: FastifyRequest, route: string, status: number): AuditEntryDraft {
  const context = auditContextOf(request);
  const guarded = request as FastifyRequest & AuditedRequestFacts;
  const { chain, actor } = auditSubjectOf({
    principal: guarded.principal,
    tenantId: guarded.tenantId,
    tokenRecipient: guarded.tokenRecipient,
    authorization: request.headers.authorization,
    routeAccess: context.routeAccess,
    actingRecipient: context.actingRecipient,
  });
  const requestIdHeader = request.headers['x-request-id'];
  return {
    id: randomUUID(),
    chain,
    actor,
    action: auditAction(request.method, route),
    target: auditTarget(request.params),
    status,
    requestId:
      typeof requestIdHeader === 'string' && REQUEST_ID.test(requestIdHeader)
        ? requestIdHeader
        : randomUUID(),
    clientAddress: request.ip ?? null,
    bodyDigest: request.body === undefined || request.body === null ? null : digestOf(request.body),
    beforeDigest: context.beforeState === undefined ? null : digestOf(context.beforeState),
  };
}

/** The change may have been made, but it is not acknowledged: the caller retries. */
function unrecordedAnswer(reply: FastifyReply, instance: string): string {
  void reply
    .code(503)
    .removeHeader('content-length')
    .header('content-type', 'application/problem+json; charset=utf-8')
    .header('retry-after', '1');
  return JSON.stringify({
    type: 'https://switchboard.dev/problems/audit-log-unavailable',
    title: 'Service Unavailable',
    status: 503,
    code: 'AUDIT_LOG_UNAVAILABLE',
    detail:
      'the request was handled but could not be recorded in the audit log, so it is not acknowledged; ' +
      'retry it (a repeated change is harmless for PUT and DELETE; send POSTs with an Idempotency-Key)',
    instance,
  });
}
