import type { StoredInboxItem } from '../inbox/inbox-store';
import { InboxLiveFeed } from './inbox-live-feed';

function item(tenantId: string, recipientId: string, messageId: string): StoredInboxItem {
  return {
    tenantId,
    recipientId,
    messageId,
    sequence: '1',
    title: 'Hello',
    body: '',
    actionUrl: null,
    data: null,
    createdAt: new Date(0),
    readAt: null,
    archivedAt: null,
  };
}

describe('InboxLiveFeed', () => {
  it("gives each listener only its own recipient's items", () => {
    const feed = new InboxLiveFeed();
    const ada: string[] = [];
    const bob: string[] = [];
    feed.subscribe({ tenantId: 'acme', recipientId: 'ada' }, (received) => ada.push(received.messageId));
    feed.subscribe({ tenantId: 'acme', recipientId: 'bob' }, (received) => bob.push(received.messageId));

    feed.deliver([item('acme', 'ada', 'm1'), item('acme', 'bob', 'm2'), item('globex', 'ada', 'm3')]);

    expect(ada).toEqual(['m1']);
    expect(bob).toEqual(['m2']);
  });

  it('stops delivering once unsubscribed and forgets the recipient', () => {
    const feed = new InboxLiveFeed();
    const received: string[] = [];
    const owner = { tenantId: 'acme', recipientId: 'ada' };
    const unsubscribe = feed.subscribe(owner, (delivered) => received.push(delivered.messageId));
    unsubscribe();

    feed.deliver([item('acme', 'ada', 'm1')]);

    expect(received).toEqual([]);
    expect(feed.hasListeners(owner)).toBe(false);
  });

  it('does not mix up a tenant and recipient whose names run together', () => {
    const feed = new InboxLiveFeed();
    const received: string[] = [];
    feed.subscribe({ tenantId: 'a', recipientId: 'b:c' }, (delivered) => received.push(delivered.messageId));

    feed.deliver([item('a:b', 'c', 'm1')]);

    expect(received).toEqual([]);
  });
});
