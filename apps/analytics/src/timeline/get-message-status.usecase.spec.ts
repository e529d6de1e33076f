import { GetMessageStatusUsecase, type TimelineReader } from './get-message-status.usecase';

const MESSAGE = '5b0c1f8e-2a4e-4c7e-9d55-6d1f2d9a0aa1';

describe('GetMessageStatusUsecase', () => {
  const reader: TimelineReader = {
    async findMessage(tenantId, messageId) {
      if (tenantId !== 'acme' || messageId !== MESSAGE) return undefined;
      return {
        status: 'sent',
        timeline: [
          { type: 'accepted', occurredAt: '2026-01-01T00:00:00.000Z', source: 'ingest' },
          { type: 'sent', occurredAt: '2026-01-01T00:00:01.000Z', source: 'sender-email', provider: 'ses' },
        ],
      };
    },
  };
  const usecase = new GetMessageStatusUsecase(reader);

  it("shows the tenant its message's status and timeline", async () => {
    await expect(usecase.execute('acme', MESSAGE)).resolves.toEqual({
      messageId: MESSAGE,
      tenantId: 'acme',
      status: 'sent',
      timeline: [
        { type: 'accepted', occurredAt: '2026-01-01T00:00:00.000Z', source: 'ingest' },
        { type: 'sent', occurredAt: '2026-01-01T00:00:01.000Z', source: 'sender-email', provider: 'ses' },
      ],
    });
  });

  it('finds nothing for another tenant', async () => {
    await expect(usecase.execute('globex', MESSAGE)).resolves.toBeUndefined();
  });
});
