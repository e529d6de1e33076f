import { SmsChannelTopics } from '@switchboard/contracts';
import { channelSenderGroups, formerChannelSenderGroups } from './channel-sender-groups';

describe("a channel sender's consumer groups", () => {
  it("keeps the high lane's group, and reads everything else in one group named after the service", () => {
    expect(channelSenderGroups('sender-sms')).toEqual({ high: 'sender-sms.high', rest: 'sender-sms' });
  });

  it('takes each other topic over from the group that read it before', () => {
    expect(formerChannelSenderGroups('sender-sms', SmsChannelTopics)).toEqual([
      { from: 'sender-sms.normal', topics: ['sb.dispatch.sms.normal.v1'] },
      { from: 'sender-sms.bulk', topics: ['sb.dispatch.sms.bulk.v1'] },
      { from: 'sender-sms.retry.1s', topics: ['sb.retry.sms.1s.v1'] },
      { from: 'sender-sms.retry.10s', topics: ['sb.retry.sms.10s.v1'] },
      { from: 'sender-sms.retry.1m', topics: ['sb.retry.sms.1m.v1'] },
      { from: 'sender-sms.retry.10m', topics: ['sb.retry.sms.10m.v1'] },
    ]);
  });
});
