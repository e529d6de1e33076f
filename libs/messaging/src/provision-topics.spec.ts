import { mergeTopicSpecs } from './provision-topics';

describe('mergeTopicSpecs', () => {
  it('keeps one spec per topic, the later one winning', () => {
    expect(
      mergeTopicSpecs([
        { topic: 'sb.dlq.v1', partitions: 1 },
        { topic: 'sb.messages.requested.v1', partitions: 6 },
        { topic: 'sb.dlq.v1', partitions: 3 },
      ]),
    ).toEqual([
      { topic: 'sb.dlq.v1', partitions: 3 },
      { topic: 'sb.messages.requested.v1', partitions: 6 },
    ]);
  });

  it('names the topic whose partition count is not a positive integer', () => {
    expect(() => mergeTopicSpecs([{ topic: 'sb.render.requested.v1', partitions: 0 }])).toThrow(
      'sb.render.requested.v1: partitions must be a positive integer, got 0',
    );
  });
});
