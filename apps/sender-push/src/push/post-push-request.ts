import type { ResolvedAddress } from '@switchboard/security';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pinnedLookup } from './push-endpoint-guard';

export interface PushRequest {
  endpoint: string;
  headers: Record<string, string | number>;
  body: Buffer | null;
}

export interface PushAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The start of the body, for the failure reason; push services answer errors in a line or two. */
  body: string;
}

export interface PostPushOptions {
  /** Aborts the request: the send timeout, or the service shutting down. */
  signal: AbortSignal;
  /** The address the endpoint check approved; the connection goes there and nowhere else. */
  connectTo?: ResolvedAddress;
}

export type PostPush = (request: PushRequest, options: PostPushOptions) => Promise<PushAnswer>;

const MAX_ANSWER_BODY_BYTES = 2048;
// Pushes to one push service reuse connections; the TLS handshake costs more than the push.
const httpAgent = new HttpAgent({ keepAlive: true });
const httpsAgent = new HttpsAgent({ keepAlive: true });

/** POSTs a push request (web-push's request details) and reads the answer; never follows a redirect. */
export const postPushRequest: PostPush = (push, options) =>
  new Promise<PushAnswer>((resolve, reject) => {
    const url = new URL(push.endpoint);
    const secure = url.protocol === 'https:';
    const request = (secure ? httpsRequest : httpRequest)(
      url,
      {
        method: 'POST',
        headers: push.headers,
        signal: options.signal,
        agent: secure ? httpsAgent : httpAgent,
        ...(options.connectTo ? { lookup: pinnedLookup(options.connectTo) } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let length = 0;
        response.on('data', (chunk: Buffer) => {
          if (length < MAX_ANSWER_BODY_BYTES) chunks.push(chunk);
          length += chunk.length;
        });
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            statusCode: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).subarray(0, MAX_ANSWER_BODY_BYTES).toString('utf8'),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(push.body ?? undefined);
  });
