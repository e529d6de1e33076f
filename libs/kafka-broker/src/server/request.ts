import { ProtocolReader } from '../protocol/reader';
import { ProtocolWriter } from '../protocol/writer';

export interface KafkaRequest {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  /** Positioned at the start of the request body. */
  body: ProtocolReader;
  /** "host:port" of the client, for log lines. */
  clientAddress: string;
}

/** A response body, or null when the request expects none (Produce with acks=0). */
export type KafkaResponse = ProtocolWriter | null;

export type ApiHandler = (request: KafkaRequest) => KafkaResponse | Promise<KafkaResponse>;

/** Starts a response frame: size (patched when sent) and the v0 response header. */
export function startResponse(request: KafkaRequest, sizeHint = 256): ProtocolWriter {
  return new ProtocolWriter(sizeHint).int32(0).int32(request.correlationId);
}

/** Thrown by a handler when a request cannot be answered at all: the connection is closed. */
export class UnanswerableRequestError extends Error {}
