import type { ErasingService } from '@switchboard/contracts';
import type { StoredErasure } from './erasure.repository';
import { erasureView } from './get-erasure.usecase';

const requestedAt = new Date('2026-12-07T10:00:00Z');
const at = (second: number) => new Date(requestedAt.getTime() + second * 1000);

function erasure(overrides: Partial<StoredErasure>): StoredErasure {
  return {
    erasureId: '5b0f5b86-8a9f-4b9e-9a4e-3c3f3f1d2a10',
    tenantId: 'acme',
    requestId: 'req-1',
    requestedAt,
    confirmed: new Map(),
    erasedMessages: 0,
    scrubbedMessages: 0,
    lastScrubbedAt: null,
    ...overrides,
  };
}

const everyServiceConfirmed = new Map<ErasingService, Date>([
  ['router', at(1)],
  ['ingest', at(2)],
  ['sender-inapp', at(3)],
]);

describe('erasureView', () => {
  it('is incomplete, with nothing confirmed, right after the request', () => {
    const view = erasureView(erasure({}));

    expect(view.complete).toBe(false);
    expect(view.services.map((service) => [service.service, service.confirmed])).toEqual([
      ['router', false],
      ['ingest', false],
      ['sender-inapp', false],
      ['analytics', false],
    ]);
  });

  it('stays incomplete while analytics has not scrubbed every message ingest erased', () => {
    const view = erasureView(
      erasure({
        confirmed: everyServiceConfirmed,
        erasedMessages: 3,
        scrubbedMessages: 2,
        lastScrubbedAt: at(4),
      }),
    );

    expect(view.complete).toBe(false);
    expect(view.services.find((service) => service.service === 'analytics')).toEqual({
      service: 'analytics',
      confirmed: false,
      confirmedAt: null,
    });
    expect(view.messages).toEqual({ erased: 3, historyScrubbed: 2 });
  });

  it('is complete once every service confirmed and every erased message was scrubbed', () => {
    const view = erasureView(
      erasure({
        confirmed: everyServiceConfirmed,
        erasedMessages: 3,
        scrubbedMessages: 3,
        lastScrubbedAt: at(5),
      }),
    );

    expect(view.complete).toBe(true);
    expect(view.services.find((service) => service.service === 'analytics')?.confirmedAt).toBe(
      at(5).toISOString(),
    );
  });

  it('needs nothing of analytics for a person without messages, once ingest said so', () => {
    expect(erasureView(erasure({ confirmed: everyServiceConfirmed })).complete).toBe(true);
  });
});
