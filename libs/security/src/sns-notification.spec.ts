import { parseSnsMessage, snsStringToSign, type SnsMessage } from './sns-notification';

const common = {
  MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
  TopicArn: 'arn:aws:sns:us-west-2:123456789012:MyTopic',
  Timestamp: '2026-03-01T12:00:00.000Z',
  SignatureVersion: '1',
  Signature:
    'EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=',
  SigningCertURL:
    'https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem',
};

describe('SNS messages', () => {
  it('sign a Notification as key/value lines in the documented order, Subject only when present', () => {
    const withSubject = parseSnsMessage(
      JSON.stringify({
        ...common,
        Type: 'Notification',
        Subject: 'Hi',
        Message: 'line 1\nline 2',
        UnsubscribeURL: 'x',
      }),
    );
    expect(withSubject.ok && snsStringToSign(withSubject.value)).toBe(
      'Message\nline 1\nline 2\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubject\nHi\n' +
        'Timestamp\n2026-03-01T12:00:00.000Z\nTopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\nType\nNotification\n',
    );
    const withoutSubject = parseSnsMessage({ ...common, Type: 'Notification', Message: 'm' });
    expect(withoutSubject.ok && snsStringToSign(withoutSubject.value)).toBe(
      'Message\nm\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\n' +
        'Timestamp\n2026-03-01T12:00:00.000Z\nTopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\nType\nNotification\n',
    );
  });

  it.each(['SubscriptionConfirmation', 'UnsubscribeConfirmation'] as const)(
    'sign a %s with SubscribeURL and Token',
    (type) => {
      const message = {
        ...common,
        Type: type,
        Message: 'You have chosen to subscribe',
        Token: 'token-1',
        SubscribeURL: 'https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=token-1',
      } as SnsMessage;
      expect(snsStringToSign(message)).toBe(
        'Message\nYou have chosen to subscribe\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\n' +
          'SubscribeURL\nhttps://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=token-1\n' +
          'Timestamp\n2026-03-01T12:00:00.000Z\nToken\ntoken-1\n' +
          `TopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\nType\n${type}\n`,
      );
    },
  );

  it('name the field that is missing or wrong', () => {
    const withoutId: Partial<typeof common> = { ...common };
    delete withoutId.MessageId;
    expect(
      parseSnsMessage({ ...withoutId, Type: 'Notification', Message: 'm', SignatureVersion: '3' }),
    ).toEqual({
      ok: false,
      problems: [
        { field: 'MessageId', problem: expect.any(String) },
        { field: 'SignatureVersion', problem: expect.any(String) },
      ],
    });
    expect(parseSnsMessage({ ...common, Type: 'SubscriptionConfirmation', Message: 'm' })).toEqual({
      ok: false,
      problems: [
        { field: 'Token', problem: expect.any(String) },
        { field: 'SubscribeURL', problem: expect.any(String) },
      ],
    });
    expect(
      parseSnsMessage({ ...common, Type: 'Notification', Message: 'm', Timestamp: 'yesterday' }),
    ).toMatchObject({
      ok: false,
      problems: [{ field: 'Timestamp' }],
    });
    expect(parseSnsMessage({ ...common, Type: 'Surprise', Message: 'm' })).toMatchObject({
      ok: false,
      problems: [{ field: 'Type' }],
    });
    expect(parseSnsMessage('{"Type":')).toEqual({
      ok: false,
      problems: [{ field: '', problem: 'is not JSON' }],
    });
  });
});
