import { dispatchTopicFor } from './dispatch-lane';

describe('dispatchTopicFor', () => {
  it('sends each priority to its own lane', () => {
    expect(dispatchTopicFor('high')).toBe('sb.dispatch.email.high.v1');
    expect(dispatchTopicFor('normal')).toBe('sb.dispatch.email.normal.v1');
    expect(dispatchTopicFor('bulk')).toBe('sb.dispatch.email.bulk.v1');
  });
});
