import type { z } from 'zod';
import { recipientIdentity, recipientKey } from '../../common';
import { defineTopic } from '../../topic-contract';
import { MessageRequested } from '../message-requested/message-requested';

/** A message ingest has recorded (deduplicated, stored) and hands to the router. */
export const MessageAccepted = MessageRequested;
export type MessageAccepted = z.infer<typeof MessageAccepted>;

export const MessageAcceptedTopic = defineTopic({
  topic: 'sb.messages.accepted.v1',
  schemaName: 'MessageAccepted',
  schemaVersion: 1,
  schema: MessageAccepted,
  key: (payload) => recipientKey(payload.tenantId, recipientIdentity(payload.recipient)),
});
