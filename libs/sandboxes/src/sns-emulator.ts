import { createSign, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { z } from 'zod';
import { closeServer, listen, reachableHost, readBody } from './http-server';
import { repoRoot } from './repo-root';
import { FaultPlan, faultSettingsShape, type FaultSettings, type SandboxFaults } from './sandbox-faults';
import {
  escapeXml,
  parseJsonBody,
  requestSandbox,
  SandboxRequestError,
  sendJson,
  sendText,
  sleep,
} from './sandbox-http';

export interface SmsMessageAttribute {
  /** `String`, `Number`, `Binary` or `String.Array` (possibly with a custom suffix). */
  dataType: string;
  /** The string value, or the base64 of a binary one, as the SDK sent it. */
  value: string;
}

export interface SentSms {
  messageId: string;
  phoneNumber: string;
  message: string;
  attributes: Record<string, SmsMessageAttribute>;
  /** ISO time with milliseconds. */
  at: string;
}

/** One Publish call, answered or failed. */
export interface SmsPublishAttempt {
  at: string;
  phoneNumber?: string;
  outcome: 'sent' | 'failed';
  status: number;
  /** The SNS error code of a failed call (`Throttled`, `OptedOut`, `InternalError` ...). */
  errorCode?: string;
  messageId?: string;
}

export interface SmsFaultSettings extends FaultSettings {
  /** E.164 numbers that answer `OptedOut`, whatever the failure rate. */
  optedOut?: string[];
}

/** A reply a person sends to one of the tenant's numbers, as two-way SMS receives it. */
export interface InboundSms {
  /** The person's number (SNS gives E.164; anything else is passed on as given). */
  originationNumber: string;
  /** The tenant's number the reply was sent to. */
  destinationNumber: string;
  body: string;
  /** The two-way SMS topic of the destination number; its HTTP subscriptions receive the reply. */
  topicArn: string;
}

/** What became of a simulated reply: the SNS Notification and each subscription's answer. */
export interface InboundSmsDelivery {
  inboundMessageId: string;
  /** The Notification's MessageId (what a subscriber deduplicates by). */
  snsMessageId: string;
  /** The Notification as posted, signed: post it again to simulate SNS redelivering it. */
  notification: Record<string, string>;
  deliveries: Array<{ endpoint: string; status: number; body: string }>;
}

/** Reads and empties the SMS outbox of an SNS emulator, in this process or another. */
export interface SmsOutbox {
  sentSms(): Promise<SentSms[]>;
  /** Every Publish call, failed ones included, in arrival order. */
  attempts(): Promise<SmsPublishAttempt[]>;
  /** Empties the outbox and the attempt log; faults stay. */
  clear(): Promise<void>;
  faults: SandboxFaults<SmsFaultSettings>;
  /**
   * Subscribes an HTTP(S) endpoint to a topic. It is confirmed at once: SNS's confirmation is a GET
   * of an Amazon URL, which a subscriber rightly refuses to send anywhere else.
   */
  subscribe(topicArn: string, endpoint: string): Promise<{ subscriptionArn: string }>;
  /** Delivers an inbound reply to the topic's subscriptions as two-way SMS does, and waits for their answers. */
  simulateInboundSms(reply: InboundSms): Promise<InboundSmsDelivery>;
}

export interface SnsEmulator extends SmsOutbox {
  /** Give this to the SNS client as `endpoint` (any region, any non-empty credentials). */
  endpoint: string;
  /** The SMS outbox in a browser. */
  viewerUrl: string;
  /**
   * The certificate of the key its notifications are signed with: a subscriber checks them against
   * it (the gateway's SNS_TRUSTED_SIGNING_CERTIFICATE_PEM), as it cannot be fetched from an SNS host.
   */
  signingCertificatePem: string;
  stop(): Promise<void>;
}

/** The key pair an emulator signs its notifications with. */
export interface SnsSigningIdentity {
  keyPem: string;
  certificatePem: string;
}

/**
 * The security lib's test-only key pair (trusted nowhere, protecting nothing), the default identity
 * of an emulator: Node cannot make an X.509 certificate for a fresh key without another package.
 */
export function testSnsSigningIdentity(): SnsSigningIdentity {
  const fixture = (name: string) =>
    readFileSync(join(repoRoot(), 'libs', 'security', 'test', 'fixtures', name), 'utf8');
  return {
    keyPem: fixture('test-only-sns-signing-key.pem'),
    certificatePem: fixture('test-only-sns-signing-certificate.pem'),
  };
}

const E164 = /^\+[1-9]\d{1,14}$/;
const SNS_XML_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';
const BODY_LIMIT_BYTES = 1024 * 1024;
/** SNS refuses an SMS over 1600 bytes; longer texts must be split by the caller. */
const SMS_MESSAGE_LIMIT_BYTES = 1600;

/** Where a signed notification says its certificate is: an SNS host, as subscribers insist. */
const SIGNING_CERTIFICATE_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-emulator.pem';
// Within the 5 s a control call waits for the emulator's answer.
const DELIVERY_TIMEOUT_MS = 4000;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

const subscriptionSchema = z.strictObject({
  topicArn: z.string().regex(TOPIC_ARN, 'must be an SNS topic ARN'),
  endpoint: z.url({ protocol: /^https?$/ }),
});

const inboundSmsSchema = z.strictObject({
  originationNumber: z.string().min(1).max(32),
  destinationNumber: z.string().min(1).max(32),
  body: z.string().max(SMS_MESSAGE_LIMIT_BYTES),
  topicArn: z.string().regex(TOPIC_ARN, 'must be an SNS topic ARN'),
});

interface Subscription {
  subscriptionArn: string;
  topicArn: string;
  endpoint: string;
}

const smsFaultSchema = z.strictObject({
  ...faultSettingsShape,
  optedOut: z.array(z.string().regex(E164, 'must be E.164 phone numbers such as +14155550100')).optional(),
});

interface SnsError {
  status: number;
  code: string;
  message: string;
}

/**
 * An Amazon SNS endpoint for SMS: it answers the awsQuery `Publish` action that
 * `@aws-sdk/client-sns` sends (form-encoded, XML answers) for a `PhoneNumber`, keeps what was
 * published, and fails on demand with SNS's own error documents so the SDK raises its typed
 * exceptions. Other processes reach the outbox and the faults over HTTP (`connectToSnsEmulator`).
 */
export async function startSnsEmulator(
  options: { port?: number; host?: string; signing?: SnsSigningIdentity } = {},
): Promise<SnsEmulator> {
  const host = options.host ?? '127.0.0.1';
  const signing = options.signing ?? testSnsSigningIdentity();
  const sent: SentSms[] = [];
  const attempts: SmsPublishAttempt[] = [];
  const subscriptions: Subscription[] = [];
  const faults = new FaultPlan<SmsFaultSettings>(smsFaultSchema, ['status', 'throttle']);
  const state = { sent, attempts, faults, subscriptions, signingKeyPem: signing.keyPem };
  const server = createServer((request, response) => {
    handle(request, response, state).catch((error: Error) => {
      if (!response.headersSent) sendJson(response, 500, { error: error.message });
    });
  });
  let port: number;
  try {
    port = await listen(server, options.port ?? 0, host);
  } catch (error) {
    throw new Error(
      `the SNS emulator could not listen on ${host}:${options.port ?? 0}: ${(error as Error).message}`,
    );
  }
  const endpoint = `http://${reachableHost(host)}:${port}`;
  const outbox = connectToSnsEmulator(endpoint);
  return {
    endpoint,
    viewerUrl: `${endpoint}/`,
    signingCertificatePem: signing.certificatePem,
    ...outbox,
    stop: () => closeServer(server),
  };
}

export function connectToSnsEmulator(endpoint: string): SmsOutbox {
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
    requestSandbox('SNS emulator', endpoint, method, path, body);
  return {
    sentSms: async () => ((await call('GET', '/sms')) as { messages: SentSms[] }).messages,
    attempts: async () => ((await call('GET', '/attempts')) as { attempts: SmsPublishAttempt[] }).attempts,
    clear: async () => void (await call('DELETE', '/sms')),
    faults: {
      set: async (settings) => void (await call('PUT', '/faults', settings)),
      clear: async () => void (await call('DELETE', '/faults')),
      get: async () => (await call('GET', '/faults')) as SmsFaultSettings,
    },
    subscribe: async (topicArn, subscriber) =>
      (await call('POST', '/subscriptions', { topicArn, endpoint: subscriber })) as {
        subscriptionArn: string;
      },
    simulateInboundSms: async (reply) =>
      (await call('POST', '/simulate/inbound-sms', reply)) as InboundSmsDelivery,
  };
}

interface EmulatorState {
  sent: SentSms[];
  attempts: SmsPublishAttempt[];
  faults: FaultPlan<SmsFaultSettings>;
  subscriptions: Subscription[];
  signingKeyPem: string;
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  state: EmulatorState,
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  const body = await readBody(request, BODY_LIMIT_BYTES);
  const route = `${request.method} ${path}`;
  if (
    request.method === 'POST' &&
    (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
  ) {
    await answerAction(new URLSearchParams(body.toString('utf8')), response, state);
    return;
  }
  switch (route) {
    case 'GET /':
      sendText(response, 200, 'text/html; charset=utf-8', renderOutbox(state.sent));
      return;
    case 'GET /sms':
      sendJson(response, 200, { messages: state.sent });
      return;
    case 'DELETE /sms':
      state.sent.splice(0);
      state.attempts.splice(0);
      sendJson(response, 200, {});
      return;
    case 'GET /attempts':
      sendJson(response, 200, { attempts: state.attempts });
      return;
    case 'GET /faults':
      sendJson(response, 200, state.faults.current());
      return;
    case 'PUT /faults':
      try {
        sendJson(response, 200, state.faults.set(parseJsonBody(body)));
      } catch (error) {
        if (!(error instanceof SandboxRequestError)) throw error;
        sendJson(response, 400, { error: error.message });
      }
      return;
    case 'DELETE /faults':
      state.faults.clear();
      sendJson(response, 200, {});
      return;
    case 'GET /subscriptions':
      sendJson(response, 200, { subscriptions: state.subscriptions });
      return;
    case 'POST /subscriptions': {
      const parsed = parseRequest(subscriptionSchema, body, response);
      if (!parsed) return;
      const subscription = { ...parsed, subscriptionArn: `${parsed.topicArn}:${randomUUID()}` };
      state.subscriptions.push(subscription);
      sendJson(response, 200, { subscriptionArn: subscription.subscriptionArn });
      return;
    }
    case 'POST /simulate/inbound-sms': {
      const reply = parseRequest(inboundSmsSchema, body, response);
      if (!reply) return;
      const subscribers = state.subscriptions.filter(({ topicArn }) => topicArn === reply.topicArn);
      if (subscribers.length === 0) {
        sendJson(response, 404, { error: `no HTTP subscription to ${reply.topicArn}` });
        return;
      }
      sendJson(response, 200, await deliverInboundSms(reply, subscribers, state));
      return;
    }
    default:
      sendJson(response, 404, { error: `no route for ${route}` });
  }
}

function parseRequest<T>(schema: z.ZodType<T>, body: Buffer, response: ServerResponse): T | undefined {
  let parsed: z.ZodSafeParseResult<T>;
  try {
    parsed = schema.safeParse(parseJsonBody(body));
  } catch (error) {
    if (!(error instanceof SandboxRequestError)) throw error;
    sendJson(response, 400, { error: error.message });
    return undefined;
  }
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    sendJson(response, 400, { error: problems.join('; ') });
    return undefined;
  }
  return parsed.data;
}

/**
 * Posts the reply to each subscription as two-way SMS does: an SNS Notification (JSON in a
 * text/plain body) whose Message is the inbound message document, signed with the emulator's key.
 */
async function deliverInboundSms(
  reply: InboundSms,
  subscribers: Subscription[],
  state: EmulatorState,
): Promise<InboundSmsDelivery> {
  const inboundMessageId = randomUUID();
  const previous = state.sent.filter((sms) => sms.phoneNumber === reply.originationNumber).at(-1);
  const message = JSON.stringify({
    originationNumber: reply.originationNumber,
    destinationNumber: reply.destinationNumber,
    messageKeyword: reply.body.trim().split(/\s+/)[0]?.toUpperCase() ?? '',
    messageBody: reply.body,
    inboundMessageId,
    previousPublishedMessageId: previous?.messageId ?? '',
  });
  const snsMessageId = randomUUID();
  const notification = signNotification(
    {
      Type: 'Notification',
      MessageId: snsMessageId,
      TopicArn: reply.topicArn,
      Message: message,
      Timestamp: new Date().toISOString(),
    },
    state.signingKeyPem,
  );
  const deliveries = await Promise.all(
    subscribers.map(async (subscriber) => {
      const signed = {
        ...notification,
        UnsubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${subscriber.subscriptionArn}`,
      };
      try {
        const answer = await fetch(subscriber.endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'text/plain; charset=UTF-8',
            'x-amz-sns-message-type': 'Notification',
            'x-amz-sns-message-id': snsMessageId,
            'x-amz-sns-topic-arn': reply.topicArn,
            'x-amz-sns-subscription-arn': subscriber.subscriptionArn,
          },
          body: JSON.stringify(signed),
          signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        });
        return { endpoint: subscriber.endpoint, status: answer.status, body: await answer.text() };
      } catch (error) {
        return { endpoint: subscriber.endpoint, status: 0, body: (error as Error).message };
      }
    }),
  );
  return { inboundMessageId, snsMessageId, notification, deliveries };
}

/** Signature version 2 (SHA256withRSA) over the fields AWS documents, in its order. */
function signNotification(fields: Record<string, string>, keyPem: string): Record<string, string> {
  const signed = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
    .filter((key) => key in fields)
    .map((key) => `${key}\n${fields[key]}\n`)
    .join('');
  const signer = createSign('RSA-SHA256');
  signer.update(signed, 'utf8');
  return {
    ...fields,
    SignatureVersion: '2',
    Signature: signer.sign(keyPem, 'base64'),
    SigningCertURL: SIGNING_CERTIFICATE_URL,
  };
}

async function answerAction(
  form: URLSearchParams,
  response: ServerResponse,
  state: EmulatorState,
): Promise<void> {
  const requestId = randomUUID();
  const action = form.get('Action');
  if (action !== 'Publish') {
    sendError(response, requestId, {
      status: 400,
      code: 'InvalidAction',
      message: `The action ${action ?? '(none)'} is not valid for this web service (the emulator answers Publish only).`,
    });
    return;
  }
  await sleep(state.faults.latencyMs());
  const phoneNumber = form.get('PhoneNumber') ?? undefined;
  const at = new Date().toISOString();
  const failure = validatePublish(form) ?? injectedFailure(phoneNumber, state.faults);
  if (failure) {
    state.attempts.push({
      at,
      phoneNumber,
      outcome: 'failed',
      status: failure.status,
      errorCode: failure.code,
    });
    sendError(response, requestId, failure);
    return;
  }
  const messageId = randomUUID();
  state.sent.push({
    messageId,
    phoneNumber: phoneNumber as string,
    message: form.get('Message') as string,
    attributes: readMessageAttributes(form),
    at,
  });
  state.attempts.push({ at, phoneNumber, outcome: 'sent', status: 200, messageId });
  sendText(
    response,
    200,
    'text/xml',
    `<PublishResponse xmlns="${SNS_XML_NAMESPACE}">` +
      `<PublishResult><MessageId>${messageId}</MessageId></PublishResult>` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
      `</PublishResponse>`,
    { 'x-amzn-requestid': requestId },
  );
}

/** The checks SNS makes before sending an SMS, with its wording. */
function validatePublish(form: URLSearchParams): SnsError | undefined {
  const invalid = (message: string): SnsError => ({ status: 400, code: 'InvalidParameter', message });
  if (form.has('TopicArn') || form.has('TargetArn')) {
    return {
      status: 404,
      code: 'NotFound',
      message: 'Topic does not exist (the emulator publishes SMS to a PhoneNumber only)',
    };
  }
  const phoneNumber = form.get('PhoneNumber');
  if (phoneNumber === null) {
    return invalid('Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
  }
  if (!E164.test(phoneNumber)) {
    return invalid(`Invalid parameter: PhoneNumber Reason: ${phoneNumber} is not valid to publish to`);
  }
  const message = form.get('Message');
  if (!message) return invalid('Invalid parameter: Empty message');
  if (Buffer.byteLength(message) > SMS_MESSAGE_LIMIT_BYTES) {
    return invalid(
      `Invalid parameter: Message too long (${Buffer.byteLength(message)} bytes, an SMS takes at most ${SMS_MESSAGE_LIMIT_BYTES})`,
    );
  }
  const attributes = readMessageAttributes(form);
  for (const [name, attribute] of Object.entries(attributes)) {
    if (!/^(String|Number|Binary)(\..+)?$/.test(attribute.dataType)) {
      return invalid(
        `Invalid parameter: MessageAttributes Reason: ${name} has the unknown DataType ${attribute.dataType}`,
      );
    }
  }
  const smsType = attributes['AWS.SNS.SMS.SMSType']?.value;
  if (smsType !== undefined && smsType !== 'Promotional' && smsType !== 'Transactional') {
    return invalid(
      `Invalid parameter: MessageAttributes Reason: AWS.SNS.SMS.SMSType must be Promotional or Transactional, got ${smsType}`,
    );
  }
  const senderId = attributes['AWS.SNS.SMS.SenderID']?.value;
  if (senderId !== undefined && !/^(?=.*[A-Za-z])[A-Za-z0-9-]{1,11}$/.test(senderId)) {
    return invalid(
      `Invalid parameter: MessageAttributes Reason: AWS.SNS.SMS.SenderID must be 1 to 11 letters, digits or hyphens with at least one letter, got ${senderId}`,
    );
  }
  return undefined;
}

function injectedFailure(
  phoneNumber: string | undefined,
  faults: FaultPlan<SmsFaultSettings>,
): SnsError | undefined {
  const settings = faults.current();
  if (phoneNumber !== undefined && settings.optedOut?.includes(phoneNumber)) {
    return { status: 400, code: 'OptedOut', message: 'Phone number is opted out' };
  }
  if (!faults.nextCallFails()) return undefined;
  if (settings.throttle) return { status: 429, code: 'Throttled', message: 'Rate exceeded' };
  return settings.status === 503
    ? { status: 503, code: 'ServiceUnavailable', message: 'Service is unavailable. Try again later.' }
    : { status: 500, code: 'InternalError', message: 'Internal error' };
}

/** awsQuery sends a map as `MessageAttributes.entry.N.Name` and `.Value.DataType/StringValue/BinaryValue`. */
function readMessageAttributes(form: URLSearchParams): Record<string, SmsMessageAttribute> {
  const attributes: Record<string, SmsMessageAttribute> = {};
  for (let index = 1; form.has(`MessageAttributes.entry.${index}.Name`); index++) {
    const prefix = `MessageAttributes.entry.${index}`;
    const value = form.get(`${prefix}.Value.StringValue`) ?? form.get(`${prefix}.Value.BinaryValue`) ?? '';
    attributes[form.get(`${prefix}.Name`) as string] = {
      dataType: form.get(`${prefix}.Value.DataType`) ?? '',
      value,
    };
  }
  return attributes;
}

function sendError(response: ServerResponse, requestId: string, error: SnsError): void {
  sendText(
    response,
    error.status,
    'text/xml',
    `<ErrorResponse xmlns="${SNS_XML_NAMESPACE}">` +
      `<Error><Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
      `<Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`,
    { 'x-amzn-requestid': requestId },
  );
}

function renderOutbox(sent: SentSms[]): string {
  const rows = [...sent]
    .reverse()
    .map((sms) => {
      const attributes = Object.entries(sms.attributes)
        .map(([name, attribute]) => `${escapeXml(name)}=${escapeXml(attribute.value)}`)
        .join('<br>');
      return `<tr><td>${escapeXml(sms.at)}</td><td>${escapeXml(sms.phoneNumber)}</td><td class="message">${escapeXml(sms.message)}</td><td>${attributes}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SMS outbox</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}.message{white-space:pre-wrap}</style>
</head><body><h1>SMS outbox</h1><p>${sent.length} message(s), newest first. JSON: <a href="/sms">/sms</a></p>
<table><thead><tr><th>Sent at</th><th>To</th><th>Message</th><th>Attributes</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>`;
}
