import {
  MailFromDomainNotVerifiedException,
  MessageRejected,
  SESServiceException,
} from '@aws-sdk/client-ses';
import { classifySesError } from './ses-error';

const metadata = { $metadata: {} };

function sesError(name: string, message: string, fault: 'client' | 'server' = 'client') {
  return new SESServiceException({ name, message, $fault: fault, ...metadata });
}

describe('classifySesError', () => {
  it('treats a rejected message as permanent and keeps the reason', () => {
    const error = new MessageRejected({ message: 'Email address is not verified.', ...metadata });
    expect(classifySesError(error)).toEqual({
      kind: 'permanent',
      reason: 'MessageRejected: Email address is not verified.',
    });
  });

  it('treats an unverified MAIL FROM domain and an invalid parameter as permanent', () => {
    const unverified = new MailFromDomainNotVerifiedException({ message: 'not verified', ...metadata });
    expect(classifySesError(unverified).kind).toBe('permanent');
    expect(classifySesError(sesError('InvalidParameterValue', 'Missing final @domain')).kind).toBe(
      'permanent',
    );
  });

  it('retries throttling, server faults and network errors', () => {
    expect(classifySesError(sesError('Throttling', 'Maximum sending rate exceeded.')).kind).toBe('transient');
    expect(classifySesError(sesError('ServiceUnavailable', 'try later', 'server')).kind).toBe('transient');
    const network = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8005'), { code: 'ECONNREFUSED' });
    expect(classifySesError(network)).toEqual({
      kind: 'transient',
      reason: 'Error: connect ECONNREFUSED 127.0.0.1:8005',
    });
  });

  it('retries something that is not an error at all', () => {
    expect(classifySesError('boom')).toEqual({ kind: 'transient', reason: 'UnknownError: boom' });
  });
});
