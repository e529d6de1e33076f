import { emailLanes } from './email-lanes';

describe('emailLanes', () => {
  it('consumes each priority lane with its own group and concurrency', () => {
    expect(emailLanes({ high: 32, normal: 16, bulk: 4 })).toEqual([
      { lane: 'high', topic: 'sb.dispatch.email.high.v1', groupId: 'sender-email.high', concurrency: 32 },
      {
        lane: 'normal',
        topic: 'sb.dispatch.email.normal.v1',
        groupId: 'sender-email.normal',
        concurrency: 16,
      },
      { lane: 'bulk', topic: 'sb.dispatch.email.bulk.v1', groupId: 'sender-email.bulk', concurrency: 4 },
    ]);
  });
});
