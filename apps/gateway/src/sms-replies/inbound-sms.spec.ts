import { parseInboundSms, replyingNumberOf } from './inbound-sms';

describe('parseInboundSms', () => {
  it('reads the inbound message document of two-way SMS', () => {
    const parsed = parseInboundSms(
      JSON.stringify({
        originationNumber: '+447700900123',
        destinationNumber: '+447700900000',
        messageKeyword: 'STOP',
        messageBody: 'STOP',
        inboundMessageId: 'cae173d2-66b9-564c-8309-21f858e9fb84',
        previousPublishedMessageId: 'wJ0x5gs3Mrrrt2nY',
      }),
    );

    expect(parsed).toMatchObject({
      ok: true,
      value: { originationNumber: '+447700900123', messageBody: 'STOP' },
    });
  });

  it('names what is missing from another document', () => {
    const parsed = parseInboundSms(JSON.stringify({ notificationType: 'Bounce' }));

    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems.map((problem) => problem.field)).toEqual(
      expect.arrayContaining(['originationNumber', 'messageBody']),
    );
    expect(parseInboundSms('not json')).toEqual({
      ok: false,
      problems: [{ field: 'Message', problem: 'is not JSON' }],
    });
  });
});

describe('replyingNumberOf', () => {
  it('keeps an E.164 number', () => {
    expect(replyingNumberOf({ originationNumber: '+14155550123', destinationNumber: '+14155550100' })).toBe(
      '+14155550123',
    );
  });

  it('reads a national number in the country of the number replied to', () => {
    expect(replyingNumberOf({ originationNumber: '07700 900123', destinationNumber: '+447700900000' })).toBe(
      '+447700900123',
    );
  });

  it('gives nothing for what cannot be a phone number', () => {
    expect(
      replyingNumberOf({ originationNumber: 'abc', destinationNumber: '+447700900000' }),
    ).toBeUndefined();
    expect(replyingNumberOf({ originationNumber: '12', destinationNumber: 'short-code' })).toBeUndefined();
  });
});
