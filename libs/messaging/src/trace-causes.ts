import { context, createContextKey, propagation, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { HeaderName } from '@switchboard/contracts';

// A batch handler serves many messages under one span. To keep one trace per message from the
// HTTP call to the provider, the runner remembers each consumed event's own trace context by
// message id, and the publisher continues that trace for any event it publishes about the
// same message.
const TRACE_CAUSES = createContextKey('switchboard.messaging.trace-causes');

export type TraceCauses = ReadonlyMap<string, Context>;

/** The trace context each consumed event carried, by message id (events without one are left out). */
export function traceCausesOf(headersOfEvents: ReadonlyArray<Record<string, string>>): TraceCauses {
  const causes = new Map<string, Context>();
  for (const headers of headersOfEvents) {
    const messageId = headers[HeaderName.messageId];
    if (messageId && headers[HeaderName.traceparent] && !causes.has(messageId)) {
      causes.set(messageId, propagation.extract(ROOT_CONTEXT, headers));
    }
  }
  return causes;
}

export function withTraceCauses<T>(causes: TraceCauses, work: () => T): T {
  return context.with(context.active().setValue(TRACE_CAUSES, causes), work);
}

/** The trace a published event about this message continues, when a batch handler consumed one. */
export function traceCauseOf(messageId: string | undefined): Context | undefined {
  if (!messageId) return undefined;
  const causes = context.active().getValue(TRACE_CAUSES) as TraceCauses | undefined;
  return causes?.get(messageId);
}

/**
 * Runs `work` in the trace of the consumed event about this message, when a batch handler
 * consumed one, so that what it does for that message alone (a provider call) joins the
 * message's own trace rather than the batch's; otherwise in the current context.
 */
export function inTraceOfMessage<T>(messageId: string, work: () => T): T {
  const cause = traceCauseOf(messageId);
  return cause === undefined ? work() : context.with(cause, work);
}
