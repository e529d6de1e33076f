import { problem, PROBLEM_CONTENT_TYPE } from '@switchboard/service-kit';
import type { UpstreamAnswer } from './internal-service-client';

/** The part of Fastify's reply a pass-through needs. */
export interface PassThroughReply {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
  request: { url: string };
}

/**
 * An internal service's answer goes out as it came: its status, and its problem document if any
 * (keeping the service's own code), pointing at the public URL rather than the internal one.
 * `rejectedCode` names the problem when the service sent no document of its own.
 */
export function passThrough(reply: PassThroughReply, answer: UpstreamAnswer, rejectedCode: string): unknown {
  reply.status(answer.status);
  if (answer.status < 400) return answer.body;
  reply.header('content-type', PROBLEM_CONTENT_TYPE);
  const upstream = typeof answer.body === 'object' && answer.body !== null ? answer.body : {};
  return {
    ...problem(answer.status, rejectedCode, undefined, { code: rejectedCode }),
    ...upstream,
    status: answer.status,
    instance: reply.request.url,
  };
}
