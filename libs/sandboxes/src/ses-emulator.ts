import type { AddressInfo } from 'node:net';
import startSesServer from 'aws-ses-v2-local';
import { closeServer, reachableHost } from './http-server';

export interface SentEmail {
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  html?: string;
  text?: string;
  /** Only SES V2 SendEmail carries custom headers (e.g. List-Unsubscribe). */
  headers?: { name: string; value: string }[];
  /** ISO time, to the second (the emulator stores epoch seconds). */
  at: string;
}

/** Reads and empties the outbox of an SES emulator, in this process or another. */
export interface SesMailbox {
  sentEmails(): Promise<SentEmail[]>;
  clear(): Promise<void>;
}

export interface SesEmulator extends SesMailbox {
  /** Give this to the SES client as `endpoint` (any region, any non-empty credentials). */
  endpoint: string;
  /** Mail viewer in a browser. */
  viewerUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts aws-ses-v2-local in this process: it answers SES V1 SendEmail/SendRawEmail and V2
 * SendEmail and keeps what was sent. Its outbox is one per process (module state of the
 * package), so two emulators in one process share it.
 */
export async function startSesEmulator(options: { port?: number; host?: string } = {}): Promise<SesEmulator> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const server = await startSesServer({ host, port });
  // Express 5 hands a listen error to its callback, and the package resolves regardless.
  if (!server.listening) {
    throw new Error(`the SES emulator could not listen on ${host}:${port} (is the port taken?)`);
  }
  const endpoint = `http://${reachableHost(host)}:${(server.address() as AddressInfo).port}`;
  const mailbox = connectToSesEmulator(endpoint);
  return {
    endpoint,
    viewerUrl: `${endpoint}/`,
    sentEmails: mailbox.sentEmails,
    clear: mailbox.clear,
    stop: () => closeServer(server),
  };
}

export function connectToSesEmulator(endpoint: string): SesMailbox {
  return {
    sentEmails: async () => {
      const body = (await request(endpoint, 'GET', '/store')) as { emails?: StoredEmail[] };
      if (!Array.isArray(body.emails)) {
        throw new Error(`the SES emulator at ${endpoint} answered GET /store without an emails list`);
      }
      return body.emails.map(toSentEmail);
    },
    clear: async () => {
      await request(endpoint, 'POST', '/clear-store');
    },
  };
}

/** The shape of an email in aws-ses-v2-local's GET /store answer. */
interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  at: number;
}

function toSentEmail(email: StoredEmail): SentEmail {
  return {
    messageId: email.messageId,
    from: email.from,
    to: email.destination.to,
    cc: email.destination.cc,
    bcc: email.destination.bcc,
    subject: email.subject,
    ...(email.body.html === undefined ? {} : { html: email.body.html }),
    ...(email.body.text === undefined ? {} : { text: email.body.text }),
    ...(email.headers?.length ? { headers: email.headers } : {}),
    at: new Date(email.at * 1000).toISOString(),
  };
}

async function request(endpoint: string, method: 'GET' | 'POST', path: string): Promise<unknown> {
  const response = await fetch(`${endpoint}${path}`, { method, signal: AbortSignal.timeout(5000) });
  if (!response.ok) {
    throw new Error(
      `the SES emulator answered ${method} ${path} with HTTP ${response.status}: ${await response.text()}`,
    );
  }
  return response.json();
}
