import {
  messageAcceptedTopicFor,
  messageRequestedTopicFor,
  renderRequestedLanes,
  renderRequestedTopicFor,
  type RenderRequested,
  requestedLaneOf,
  TopicContracts,
} from '../../index';

describe('priority lanes of the requested, accepted and render hops', () => {
  it('keeps the topic names from before lanes for the normal lane, so nothing already on them is stranded', () => {
    expect(messageRequestedTopicFor('normal')).toBe('sb.messages.requested.v1');
    expect(messageAcceptedTopicFor('normal')).toBe('sb.messages.accepted.v1');
    expect(renderRequestedTopicFor('normal')).toBe('sb.render.requested.v1');
  });

  it('gives high and bulk topics of their own on every hop', () => {
    expect([messageRequestedTopicFor('high'), messageRequestedTopicFor('bulk')]).toEqual([
      'sb.messages.requested.high.v1',
      'sb.messages.requested.bulk.v1',
    ]);
    expect([messageAcceptedTopicFor('high'), messageAcceptedTopicFor('bulk')]).toEqual([
      'sb.messages.accepted.high.v1',
      'sb.messages.accepted.bulk.v1',
    ]);
    expect([renderRequestedTopicFor('high'), renderRequestedTopicFor('bulk')]).toEqual([
      'sb.render.requested.high.v1',
      'sb.render.requested.bulk.v1',
    ]);
  });

  it('sends a request without a priority down the normal lane, as its type is not known before the router', () => {
    expect(requestedLaneOf({})).toBe('normal');
    expect(messageRequestedTopicFor(undefined)).toBe('sb.messages.requested.v1');
    expect(messageAcceptedTopicFor(undefined)).toBe('sb.messages.accepted.v1');
    expect(requestedLaneOf({ priority: 'bulk' })).toBe('bulk');
  });

  it('registers every lane in the topic map with the payload schema of its hop', () => {
    for (const priority of ['high', 'normal', 'bulk'] as const) {
      expect(TopicContracts[messageRequestedTopicFor(priority)].schemaName).toBe('MessageRequested');
      expect(TopicContracts[messageAcceptedTopicFor(priority)].schemaName).toBe('MessageAccepted');
      expect(TopicContracts[renderRequestedTopicFor(priority)].schemaName).toBe('RenderRequested');
    }
  });

  it('groups render requests by the lane of the priority the router resolved, keeping their order', () => {
    const request = (messageId: string, priority: RenderRequested['priority']): RenderRequested => ({
      tenantId: 'acme',
      messageId,
      acceptedAt: '2030-01-01T10:00:00.000Z',
      priority,
      content: { subject: 'Hi', text: 'Hello' },
      channel: 'inapp',
      address: 'user-42',
    });
    const lanes = renderRequestedLanes([
      request('m-1', 'bulk'),
      request('m-2', 'high'),
      request('m-3', 'bulk'),
      request('m-4', 'normal'),
    ]);
    expect(lanes.map(([topic, requests]) => [topic, requests.map((each) => each.messageId)])).toEqual([
      ['sb.render.requested.bulk.v1', ['m-1', 'm-3']],
      ['sb.render.requested.high.v1', ['m-2']],
      ['sb.render.requested.v1', ['m-4']],
    ]);
    expect(renderRequestedLanes([])).toEqual([]);
  });
});
