import { dispatchContractFor, DISPATCH_LANES } from './dispatch-lane';

const dispatchTopicFor = (...lane: Parameters<typeof dispatchContractFor>) =>
  dispatchContractFor(...lane).topic;

describe('dispatch lanes', () => {
  it('sends each channel and priority to its own lane', () => {
    expect(dispatchTopicFor('email', 'high')).toBe('sb.dispatch.email.high.v1');
    expect(dispatchTopicFor('email', 'bulk')).toBe('sb.dispatch.email.bulk.v1');
    expect(dispatchTopicFor('sms', 'normal')).toBe('sb.dispatch.sms.normal.v1');
    expect(dispatchTopicFor('push', 'high')).toBe('sb.dispatch.push.high.v1');
    expect(dispatchTopicFor('inapp', 'bulk')).toBe('sb.dispatch.inapp.bulk.v1');
  });

  it('lists the twelve lanes this service publishes to', () => {
    expect(new Set(DISPATCH_LANES.map(({ topic }) => topic)).size).toBe(12);
  });
});
