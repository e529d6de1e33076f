import { partitionBatch } from './partition-batch';

describe('partitionBatch', () => {
  const valid = { recipient: { email: 'ada@example.com' }, content: { subject: 'Hi', text: 'Hello' } };

  it('keeps each item at its index, leaving priority to the message type when an item names none', () => {
    const { valid: accepted, rejected } = partitionBatch([valid, { recipient: { email: 'nope' } }, valid]);

    expect(accepted.map((item) => item.index)).toEqual([0, 2]);
    expect(accepted[0].request.priority).toBeUndefined();
    expect(rejected.map((item) => item.index)).toEqual([1]);
  });

  it('names every bad field of a rejected item, relative to the item', () => {
    const { rejected } = partitionBatch([
      { recipient: { email: 'nope' }, content: valid.content, colour: 'red' },
    ]);

    const fields = rejected[0].problems.map((problem) => problem.field);
    expect(fields).toEqual(expect.arrayContaining(['recipient.email']));
    expect(fields).toContain('colour');
  });

  it('rejects items that are not objects', () => {
    const { valid: accepted, rejected } = partitionBatch([null, 'text', 42]);

    expect(accepted).toEqual([]);
    expect(rejected.map((item) => item.index)).toEqual([0, 1, 2]);
  });

  it('cleans each item’s email and rejects placeholders and unassigned numbers by field', () => {
    const { valid: accepted, rejected } = partitionBatch([
      { ...valid, recipient: { email: 'ada@MÜNCHEN.de' } },
      { ...valid, recipient: { email: 'test@test.com' } },
      { ...valid, recipient: { phone: '+447700900123' } },
    ]);

    expect(accepted).toEqual([
      { index: 0, request: { ...valid, recipient: { email: 'ada@xn--mnchen-3ya.de' } } },
    ]);
    expect(rejected).toEqual([
      {
        index: 1,
        problems: [
          { field: 'recipient.email', problem: 'is a placeholder, not an address anyone receives mail at' },
        ],
      },
      {
        index: 2,
        problems: [
          { field: 'recipient.phone', problem: 'is not a number in use in the numbering plan of +44' },
        ],
      },
    ]);
  });
});
