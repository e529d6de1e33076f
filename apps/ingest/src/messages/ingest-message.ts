import type { MessageAccepted } from '@switchboard/contracts';
import type { UpstreamPosition } from '../upstream/upstream-message-id';

/** A message ingest is about to accept, and the upstream record it came from, if any. */
export interface IngestMessage {
  message: MessageAccepted;
  upstream?: UpstreamPosition;
}

export const INGEST_SOURCE = 'ingest';
