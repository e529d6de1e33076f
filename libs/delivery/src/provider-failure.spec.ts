import {
  AccountSendingPausedException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
} from '@aws-sdk/client-ses';
import {
  classifyAwsError,
  classifyPushResponse,
  classifySesError,
  classifySnsError,
  maskPersonalData,
  parseRetryAfter,
} from './provider-failure';

const metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode }, $fault: 'client' as const });

function awsError(name: string, httpStatusCode: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode }, ...extra });
}

function networkError(code: string, message = `connect ${code} 127.0.0.1:443`): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifySesError', () => {
  it('treats the SDK exceptions for a rejected message or a broken account as permanent', () => {
    const rejected = new MessageRejected({ message: 'Email address is not verified.', ...metadata(400) });
    const mailFrom = new MailFromDomainNotVerifiedException({ message: 'not verified', ...metadata(400) });
    const paused = new AccountSendingPausedException({ message: 'paused', ...metadata(400) });

    expect(classifySesError(rejected)).toEqual({
      kind: 'permanent',
      code: 'MessageRejected',
      reason: 'Email address is not verified.',
    });
    expect(classifySesError(mailFrom)).toMatchObject({
      kind: 'permanent',
      code: 'MailFromDomainNotVerified',
    });
    expect(classifySesError(paused).kind).toBe('permanent');
    expect(classifySesError(awsError('ConfigurationSetDoesNotExist', 400)).kind).toBe('permanent');
    expect(classifySesError(awsError('InvalidParameterValue', 400)).kind).toBe('permanent');
  });

  it('treats throttling and the sending rate limit as throttled even though they come as 400', () => {
    expect(classifySesError(awsError('Throttling', 400))).toMatchObject({
      kind: 'throttled',
      code: 'Throttling',
    });
    expect(classifySesError(awsError('MaxSendingRateExceeded', 400)).kind).toBe('throttled');
  });

  it('treats server errors as transient and other client errors as permanent', () => {
    expect(classifySesError(awsError('InternalFailure', 500))).toMatchObject({
      kind: 'transient',
      code: 'InternalFailure',
    });
    expect(classifySesError(awsError('ServiceUnavailable', 503)).kind).toBe('transient');
    expect(classifySesError(awsError('SomethingNew', 400))).toMatchObject({
      kind: 'permanent',
      code: 'SomethingNew',
    });
    expect(classifySesError(awsError('Error', 403))).toMatchObject({ kind: 'permanent', code: 'http-403' });
  });

  it('follows the SDK hints when the status is missing', () => {
    expect(
      classifySesError(Object.assign(new Error('slow down'), { $retryable: { throttling: true } })).kind,
    ).toBe('throttled');
    expect(classifySesError(Object.assign(new Error('try again'), { $retryable: {} })).kind).toBe(
      'transient',
    );
    expect(classifySesError(Object.assign(new Error('server'), { $fault: 'server' })).kind).toBe('transient');
    expect(classifySesError(awsError('Whatever', 429)).kind).toBe('throttled');
  });
});

describe('classifySnsError', () => {
  it('matches SNS codes in both the wire spelling and the SDK exception names', () => {
    expect(classifySnsError(awsError('Throttled', 400)).kind).toBe('throttled');
    expect(classifySnsError(awsError('ThrottledException', 400)).kind).toBe('throttled');
    expect(classifySnsError(awsError('ThrottlingException', 400)).kind).toBe('throttled');
    expect(classifySnsError(awsError('InvalidParameterException', 400))).toMatchObject({
      kind: 'permanent',
      code: 'InvalidParameter',
    });
    expect(classifySnsError(awsError('OptedOutException', 400)).kind).toBe('permanent');
    expect(classifySnsError(awsError('EndpointDisabledException', 400)).kind).toBe('permanent');
    expect(classifySnsError(awsError('AuthorizationErrorException', 403)).kind).toBe('permanent');
    expect(classifySnsError(awsError('Error', 400, { Code: 'InvalidParameterValue' })).kind).toBe(
      'permanent',
    );
  });

  it('does not use the SES list', () => {
    expect(classifySnsError(awsError('MessageRejected', 500)).kind).toBe('transient');
  });
});

describe('classifyAwsError', () => {
  const noCodes = { permanentCodes: [], throttledCodes: [] };

  it.each([
    ['ECONNRESET', networkError('ECONNRESET', 'read ECONNRESET')],
    ['ECONNREFUSED', networkError('ECONNREFUSED')],
    ['ETIMEDOUT', networkError('ETIMEDOUT')],
    ['socket-hang-up', new Error('socket hang up')],
    ['ECONNREFUSED', new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:4566')],
    [
      'TimeoutError',
      Object.assign(new Error('Connection timed out after 5000 ms'), { name: 'TimeoutError' }),
    ],
    ['AbortError', Object.assign(new Error('Request aborted'), { name: 'AbortError' })],
  ])('treats a network failure (%s) as transient', (code, error) => {
    expect(classifyAwsError(error, noCodes)).toMatchObject({ kind: 'transient', code });
  });

  it('treats what it cannot recognise as transient rather than dropping the message', () => {
    expect(classifyAwsError(new Error('surprise'), noCodes)).toEqual({
      kind: 'transient',
      code: 'unknown',
      reason: 'surprise',
    });
    expect(classifyAwsError('a string', noCodes).kind).toBe('transient');
    expect(classifyAwsError(undefined, noCodes).kind).toBe('transient');
  });

  it('masks addresses and numbers the provider echoes back', () => {
    const error = awsError('MessageRejected', 400);
    error.message = 'Address blacklisted: ada.lovelace@example.co.uk (from +44 20 7946 0958)';
    expect(classifySesError(error).reason).toBe(
      'Address blacklisted: a***@example.co.uk (from +** ** **** **58)',
    );
  });
});

describe('classifyPushResponse', () => {
  it('marks 404 and 410 as a subscription to delete', () => {
    expect(classifyPushResponse(410, 'push subscription has unsubscribed or expired.')).toEqual({
      kind: 'permanent',
      code: 'subscription-gone',
      reason: 'HTTP 410: push subscription has unsubscribed or expired.',
    });
    expect(classifyPushResponse(404).code).toBe('subscription-gone');
  });

  it('honours Retry-After on 429', () => {
    expect(classifyPushResponse(429, '', { 'Retry-After': '30' })).toEqual({
      kind: 'throttled',
      code: 'http-429',
      reason: 'HTTP 429',
      retryAfterMs: 30_000,
    });
    expect(classifyPushResponse(429)).not.toHaveProperty('retryAfterMs');
  });

  it('treats a refused request as permanent and a failing push service as transient', () => {
    for (const status of [400, 401, 403, 413]) {
      expect(classifyPushResponse(status).kind).toBe('permanent');
    }
    expect(classifyPushResponse(502)).toMatchObject({ kind: 'transient', code: 'http-502' });
    expect(classifyPushResponse(503).kind).toBe('transient');
  });
});

describe('parseRetryAfter', () => {
  it('reads delay seconds and HTTP dates', () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 10:00:45 GMT', now)).toBe(45_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('maskPersonalData', () => {
  it('cuts long provider messages to 300 characters, saying how much was left out', () => {
    const reason = maskPersonalData('x'.repeat(1000));

    expect(reason.length).toBeLessThanOrEqual(300);
    expect(reason).toMatch(/^x+…\[\+7\d\d characters\]$/);
  });

  it('cuts a huge provider message before masking it, and masks what is shown', () => {
    const reason = classifySesError(
      Object.assign(new Error(`Address blacklisted: ada@example.com ${'@a.'.repeat(500_000)}`), {
        name: 'MessageRejected',
      }),
    ).reason;

    expect(reason.length).toBeLessThanOrEqual(300);
    expect(reason).toMatch(/^Address blacklisted: a\*\*\*@example\.com (@a\.)+/);
  });
});
