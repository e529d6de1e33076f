// Kafka header names carried by every Switchboard event (see DESIGN.md, Kafka conventions).
export const HeaderName = {
  schemaName: 'sb-schema',
  schemaVersion: 'sb-schema-version',
  tenant: 'sb-tenant',
  messageId: 'sb-message-id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  /** 1 for the first delivery attempt. */
  attempt: 'sb-attempt',
  /** ISO time before which a retried event must not be processed. */
  notBefore: 'sb-not-before',
  /** ISO time of the first delivery attempt, so retries are bounded by age as well as count. */
  firstAttemptAt: 'sb-first-attempt-at',
  /** Set on an event put back from the dead-letter topic: the id of the dead letter. */
  redrivenFrom: 'sb-redriven-from',
  /** Dead letters: where the event came from and why it was parked. */
  originalTopic: 'sb-dlq-original-topic',
  originalPartition: 'sb-dlq-original-partition',
  originalOffset: 'sb-dlq-original-offset',
  error: 'sb-dlq-error',
  attempts: 'sb-dlq-attempts',
} as const;

export type HeaderNameValue = (typeof HeaderName)[keyof typeof HeaderName];
