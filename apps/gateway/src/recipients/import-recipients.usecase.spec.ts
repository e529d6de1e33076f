import type { ImportedRecipient } from '@switchboard/contracts';
import { ImportRecipients, type RecipientImporter } from './import-recipients.usecase';

/** A router that creates every recipient it is sent, recording each call. */
class RecordingRouter implements RecipientImporter {
  readonly calls: ImportedRecipient[][] = [];

  async importRecipients(_tenantId: string, recipients: readonly ImportedRecipient[]) {
    this.calls.push([...recipients]);
    return {
      status: 200,
      body: {
        created: recipients.length,
        updated: 0,
        rejected: 0,
        results: recipients.map((recipient, index) => ({
          index,
          recipientId: recipient.recipientId,
          status: 'created' as const,
        })),
      },
    };
  }
}

describe('ImportRecipients (gateway)', () => {
  it('answers 200 when every item was written, in one router call', async () => {
    const router = new RecordingRouter();

    const outcome = await new ImportRecipients(router).execute('acme', [
      { recipientId: 'ada', email: 'ada@example.com' },
      { recipientId: 'grace', attributes: { plan: 'pro' } },
    ]);

    expect(outcome).toEqual({
      status: 200,
      body: {
        created: 2,
        updated: 0,
        rejected: 0,
        results: [
          { index: 0, recipientId: 'ada', status: 'created' },
          { index: 1, recipientId: 'grace', status: 'created' },
        ],
      },
    });
    expect(router.calls).toHaveLength(1);
  });

  it('rejects a repeated id and invalid items without sending them, keeping every position', async () => {
    const router = new RecordingRouter();

    const outcome = await new ImportRecipients(router).execute('acme', [
      { recipientId: 'ada', email: 'ada@example.com' },
      { recipientId: 'ada', locale: 'en' },
      { recipientId: 'grace', timeZone: 'Mars/Olympus' },
      { recipientId: 'linus', attributes: { big: 'x'.repeat(9000) } },
      42,
      { recipientId: 'ken' },
    ]);

    expect(outcome.status).toBe(207);
    expect(outcome.body.results).toEqual([
      { index: 0, recipientId: 'ada', status: 'created' },
      {
        index: 1,
        recipientId: 'ada',
        status: 'rejected',
        problems: [{ field: 'recipientId', problem: 'names the same recipient as item 0 of this batch' }],
      },
      {
        index: 2,
        recipientId: 'grace',
        status: 'rejected',
        problems: [{ field: 'timeZone', problem: 'must be an IANA time zone such as Europe/Berlin' }],
      },
      {
        index: 3,
        recipientId: 'linus',
        status: 'rejected',
        problems: [{ field: 'attributes', problem: 'must take at most 8192 bytes as JSON' }],
      },
      { index: 4, recipientId: null, status: 'rejected', problems: [expect.objectContaining({ field: '' })] },
      { index: 5, recipientId: 'ken', status: 'created' },
    ]);
    expect(router.calls.flat().map((recipient) => recipient.recipientId)).toEqual(['ada', 'ken']);
  });

  it('splits a large import into router calls that fit its body limit, mapping results back', async () => {
    const router = new RecordingRouter();
    const items = Array.from({ length: 10 }, (_, index) => ({
      recipientId: `person-${index}`,
      attributes: { notes: 'x'.repeat(1000) },
    }));

    const outcome = await new ImportRecipients(router, 3000).execute('acme', items);

    expect(router.calls.map((call) => call.length)).toEqual([2, 2, 2, 2, 2]);
    expect(outcome.body.results.map((result) => [result.index, result.recipientId])).toEqual(
      items.map((item, index) => [index, item.recipientId]),
    );
  });
});
