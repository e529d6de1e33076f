import type { DeliveryEvent } from '@switchboard/contracts';
import type { DeadLetterScope, RedriveSelection, StoredDeadLetter } from './dead-letters.repository';
import type { RedrivenRecord } from './kafka-redrive-publisher';
import { RedriveDeadLettersUsecase, type ParkedDeadLetters } from './redrive-dead-letters.usecase';

const NOW = new Date('2026-12-05T10:00:00.000Z');
const acme: DeadLetterScope = { kind: 'tenant', tenantId: 'acme' };

function parked(id: string, messageId: string | null, tenantId: string | null = 'acme'): StoredDeadLetter {
  return {
    id,
    tenantId,
    messageId,
    originalTopic: 'sb.retry.sms.1s.v1',
    originalPartition: 2,
    originalOffset: '41',
    reason: 'attempts-exhausted: 2 of 2 attempts failed',
    attempts: 2,
    key: Buffer.from('acme:+14155550123'),
    headers: { 'sb-attempt': '2' },
    payload: Buffer.from('{"messageId":"m"}'),
    parkedAt: new Date('2026-12-05T09:00:00.000Z'),
    redrivenAt: null,
  };
}

/** Parked letters; a redrive hands the selected ones of the scope to `publish` once. */
class InMemoryParkedDeadLetters implements ParkedDeadLetters {
  constructor(private readonly letters: StoredDeadLetter[]) {}

  async redrive(
    scope: DeadLetterScope,
    selection: RedriveSelection,
    publish: (letters: StoredDeadLetter[]) => Promise<void>,
  ): Promise<string[]> {
    const inScope = (letter: StoredDeadLetter) =>
      scope.kind === 'every-tenant' ||
      (scope.kind === 'no-tenant' ? letter.tenantId === null : letter.tenantId === scope.tenantId);
    const chosen = this.letters.filter(
      (letter) =>
        inScope(letter) &&
        letter.redrivenAt === null &&
        ('ids' in selection ? selection.ids.includes(letter.id) : letter.originalTopic === selection.topic),
    );
    await publish(chosen);
    for (const letter of chosen) letter.redrivenAt = NOW;
    return chosen.map((letter) => letter.id);
  }
}

function setup(letters: StoredDeadLetter[]) {
  const steps: string[] = [];
  const events: DeliveryEvent[] = [];
  const records: RedrivenRecord[] = [];
  const usecase = new RedriveDeadLettersUsecase(
    new InMemoryParkedDeadLetters(letters),
    {
      publish: async (published) => {
        steps.push('records');
        records.push(...published);
      },
    },
    async (recorded) => {
      steps.push('events');
      events.push(...recorded);
    },
    () => NOW,
  );
  return { usecase, steps, events, records };
}

describe('RedriveDeadLettersUsecase', () => {
  it("records 'redriven' in each message's timeline before the records go back to their topics", async () => {
    const { usecase, steps, events, records } = setup([parked('dl-1', 'msg-1'), parked('dl-2', 'msg-2')]);

    const answer = await usecase.execute(acme, { ids: ['dl-1', 'dl-2', 'dl-unknown'] });

    expect(answer).toEqual({ redriven: 2, notFound: ['dl-unknown'] });
    expect(steps).toEqual(['events', 'records']);
    expect(events).toEqual([
      {
        tenantId: 'acme',
        messageId: 'msg-1',
        type: 'redriven',
        occurredAt: NOW.toISOString(),
        source: 'analytics',
        detail: { deadLetterId: 'dl-1', topic: 'sb.retry.sms.1s.v1' },
      },
      expect.objectContaining({
        messageId: 'msg-2',
        detail: { deadLetterId: 'dl-2', topic: 'sb.retry.sms.1s.v1' },
      }),
    ]);
    expect(records.map((record) => record.topic)).toEqual(['sb.retry.sms.1s.v1', 'sb.retry.sms.1s.v1']);
    expect(records[0].headers).toMatchObject({ 'sb-redriven-from': 'dl-1' });
  });

  it('redrives a letter that belongs to no message without a timeline event', async () => {
    const { usecase, steps, events, records } = setup([parked('dl-poison', null)]);

    expect(await usecase.execute(acme, { topic: 'sb.retry.sms.1s.v1' })).toEqual({
      redriven: 1,
      notFound: [],
    });

    expect(events).toEqual([]);
    expect(steps).toEqual(['records']);
    expect(records).toHaveLength(1);
  });

  it("redrives letters of any tenant or none for an operator, each in its own tenant's timeline", async () => {
    const { usecase, events, records } = setup([
      parked('dl-globex', 'msg-g', 'globex'),
      parked('dl-nobody', 'msg-n', null),
    ]);

    const answer = await usecase.execute({ kind: 'every-tenant' }, { ids: ['dl-globex', 'dl-nobody'] });

    expect(answer).toEqual({ redriven: 2, notFound: [] });
    // The letter without a tenant goes back too, but has no tenant's timeline to be recorded in.
    expect(events).toEqual([expect.objectContaining({ tenantId: 'globex', messageId: 'msg-g' })]);
    expect(records.map((record) => record.headers['sb-redriven-from'])).toEqual(['dl-globex', 'dl-nobody']);
  });
});
