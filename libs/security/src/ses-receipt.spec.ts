import { parseSesReceipt } from './ses-receipt';

const mail = {
  timestamp: '2026-03-01T12:00:00.000Z',
  source: 'orders@shop.example',
  messageId: '0100018e0a1b2c3d-4e5f-6789-abcd-ef0123456789-000000',
  destination: ['ada@example.com', 'grace@example.com'],
};

describe('parseSesReceipt', () => {
  it('reads a permanent bounce with every bounced recipient', () => {
    const message = JSON.stringify({
      notificationType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [
          {
            emailAddress: 'ada@example.com',
            action: 'failed',
            status: '5.1.1',
            diagnosticCode: 'smtp; 550 5.1.1 user unknown',
          },
          { emailAddress: 'grace@example.com' },
        ],
        timestamp: '2026-03-01T12:00:02.512Z',
        feedbackId: '0100018e-feedback',
      },
      mail,
    });
    expect(parseSesReceipt(message)).toEqual({
      ok: true,
      value: {
        notificationType: 'Bounce',
        providerMessageId: mail.messageId,
        recipients: ['ada@example.com', 'grace@example.com'],
        occurredAt: new Date('2026-03-01T12:00:02.512Z'),
        bounceType: 'Permanent',
        bounceSubType: 'General',
      },
    });
  });

  it('reads a transient bounce, a complaint and a delivery', () => {
    const transient = parseSesReceipt(
      JSON.stringify({
        notificationType: 'Bounce',
        bounce: {
          bounceType: 'Transient',
          bounceSubType: 'MailboxFull',
          bouncedRecipients: [{ emailAddress: 'ada@example.com' }],
          timestamp: '2026-03-01T12:00:02.000Z',
        },
        mail,
      }),
    );
    expect(transient).toMatchObject({
      ok: true,
      value: { bounceType: 'Transient', bounceSubType: 'MailboxFull' },
    });

    const complaint = parseSesReceipt(
      JSON.stringify({
        notificationType: 'Complaint',
        complaint: {
          complainedRecipients: [{ emailAddress: 'grace@example.com' }],
          complaintFeedbackType: 'abuse',
          timestamp: '2026-03-02T08:00:00.000Z',
        },
        mail,
      }),
    );
    expect(complaint).toEqual({
      ok: true,
      value: {
        notificationType: 'Complaint',
        providerMessageId: mail.messageId,
        recipients: ['grace@example.com'],
        occurredAt: new Date('2026-03-02T08:00:00.000Z'),
        complaintFeedbackType: 'abuse',
      },
    });

    const delivery = parseSesReceipt(
      JSON.stringify({
        notificationType: 'Delivery',
        delivery: {
          timestamp: '2026-03-01T12:00:01.000Z',
          processingTimeMillis: 546,
          recipients: ['ada@example.com'],
          smtpResponse: '250 ok',
        },
        mail,
      }),
    );
    expect(delivery).toEqual({
      ok: true,
      value: {
        notificationType: 'Delivery',
        providerMessageId: mail.messageId,
        recipients: ['ada@example.com'],
        occurredAt: new Date('2026-03-01T12:00:01.000Z'),
      },
    });
  });

  it('names the field that is missing or wrong', () => {
    expect(
      parseSesReceipt(
        JSON.stringify({
          notificationType: 'Bounce',
          bounce: { bounceType: 'Soft', bounceSubType: 'General', bouncedRecipients: [], timestamp: 'now' },
          mail: { timestamp: mail.timestamp },
        }),
      ),
    ).toEqual({
      ok: false,
      problems: [
        { field: 'mail.messageId', problem: expect.any(String) },
        { field: 'bounce.bounceType', problem: expect.any(String) },
        { field: 'bounce.bouncedRecipients', problem: expect.any(String) },
        { field: 'bounce.timestamp', problem: expect.any(String) },
      ],
    });
    expect(parseSesReceipt(JSON.stringify({ notificationType: 'Open', mail }))).toMatchObject({
      ok: false,
      problems: [{ field: 'notificationType' }],
    });
    expect(parseSesReceipt('Hello')).toEqual({
      ok: false,
      problems: [{ field: 'Message', problem: 'is not JSON' }],
    });
  });
});
