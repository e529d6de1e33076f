import { ErrorCode } from '../protocol/error-codes';
import { GroupCoordinator, type GroupCoordinatorOptions } from './group-coordinator';
import type {
  CommittedOffset,
  JoinGroupRequest,
  JoinGroupResult,
  OffsetCommitEntry,
  OffsetStore,
} from './group-types';

class InMemoryOffsetStore implements OffsetStore {
  private readonly committed = new Map<string, Map<string, CommittedOffset>>();

  commit(groupId: string, entries: OffsetCommitEntry[]): void {
    const group = this.committed.get(groupId) ?? new Map<string, CommittedOffset>();
    for (const entry of entries)
      group.set(`${entry.topic}\u0000${entry.partition}`, { offset: entry.offset, metadata: entry.metadata });
    this.committed.set(groupId, group);
  }

  fetch(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.committed.get(groupId)?.get(`${topic}\u0000${partition}`);
  }

  committedPartitions(groupId: string): { topic: string; partition: number }[] {
    return [...(this.committed.get(groupId)?.keys() ?? [])].map((key) => {
      const [topic, partition] = key.split('\u0000');
      return { topic, partition: Number(partition) };
    });
  }

  groupIds(): string[] {
    return [...this.committed.keys()];
  }

  deleteGroup(groupId: string): void {
    this.committed.delete(groupId);
  }

  close(): void {
    this.committed.clear();
  }
}

const GROUP = 'orders';
const PENDING = Symbol('pending');

/** The promise's value if it has already settled, else PENDING. */
async function peek<T>(promise: Promise<T>): Promise<T | typeof PENDING> {
  return Promise.race([promise, Promise.resolve(PENDING)]);
}

function joinRequest(overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  const clientId = overrides.clientId ?? 'client-a';
  return {
    groupId: GROUP,
    memberId: '',
    groupInstanceId: null,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from(`subscription of ${clientId}`) }],
    clientId,
    clientHost: '/127.0.0.1',
    requireKnownMemberId: true,
    ...overrides,
  };
}

describe('GroupCoordinator', () => {
  let offsets: InMemoryOffsetStore;
  let coordinator: GroupCoordinator;
  const logLines: string[] = [];

  function createCoordinator(options: GroupCoordinatorOptions = {}): GroupCoordinator {
    coordinator?.close();
    coordinator = new GroupCoordinator(offsets, { log: (line) => logLines.push(line), ...options });
    return coordinator;
  }

  beforeEach(() => {
    jest.useFakeTimers();
    offsets = new InMemoryOffsetStore();
    logLines.length = 0;
    createCoordinator();
  });

  afterEach(() => {
    coordinator.close();
    jest.useRealTimers();
  });

  /** The JoinGroup v4+ dance: ask for an id, then join with it. Resolves when the join is answered. */
  async function startJoin(
    overrides: Partial<JoinGroupRequest> = {},
  ): Promise<{ memberId: string; join: Promise<JoinGroupResult> }> {
    const first = await coordinator.joinGroup(joinRequest(overrides));
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    return {
      memberId: first.memberId,
      join: coordinator.joinGroup(joinRequest({ ...overrides, memberId: first.memberId })),
    };
  }

  async function joinStableAlone(overrides: Partial<JoinGroupRequest> = {}) {
    const { memberId, join } = await startJoin(overrides);
    const joined = await join;
    const assignment = Buffer.from(`assignment of ${memberId}`);
    const synced = await coordinator.syncGroup({
      groupId: GROUP,
      generationId: joined.generationId,
      memberId,
      assignments: [{ memberId, assignment }],
    });
    expect(synced.errorCode).toBe(ErrorCode.NONE);
    return { memberId, generationId: joined.generationId };
  }

  /** Two members in a Stable generation, `first` the leader. */
  async function twoStableMembers(second: Partial<JoinGroupRequest> = {}) {
    const first = await joinStableAlone({ clientId: 'client-a' });
    const { memberId: secondId, join: secondJoin } = await startJoin({ clientId: 'client-b', ...second });
    expect(coordinator.heartbeat(GROUP, first.generationId, first.memberId)).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
    const firstJoin = await coordinator.joinGroup(
      joinRequest({ clientId: 'client-a', memberId: first.memberId }),
    );
    const generationId = (await secondJoin).generationId;
    const assignments = [
      { memberId: first.memberId, assignment: Buffer.from('partitions 0-2') },
      { memberId: secondId, assignment: Buffer.from('partitions 3-5') },
    ];
    const followerSync = coordinator.syncGroup({
      groupId: GROUP,
      generationId,
      memberId: secondId,
      assignments: [],
    });
    await coordinator.syncGroup({ groupId: GROUP, generationId, memberId: first.memberId, assignments });
    await followerSync;
    return { leader: first.memberId, follower: secondId, generationId, firstJoin };
  }

  describe('joining', () => {
    it('answers a first JoinGroup v4+ with MEMBER_ID_REQUIRED and a new id, then admits that id', async () => {
      const first = await coordinator.joinGroup(joinRequest());
      expect(first).toMatchObject({ errorCode: ErrorCode.MEMBER_ID_REQUIRED, generationId: -1 });
      expect(first.memberId).toMatch(/^client-a-[0-9a-f-]{36}$/);

      const joined = await coordinator.joinGroup(joinRequest({ memberId: first.memberId }));
      expect(joined).toMatchObject({
        errorCode: ErrorCode.NONE,
        generationId: 1,
        protocolType: 'consumer',
        protocolName: 'range',
        leader: first.memberId,
        memberId: first.memberId,
      });
      expect(joined.members).toEqual([
        {
          memberId: first.memberId,
          groupInstanceId: null,
          metadata: Buffer.from('subscription of client-a'),
        },
      ]);
    });

    it('admits old clients (JoinGroup < v4) at once with a generated id', async () => {
      const joined = await coordinator.joinGroup(
        joinRequest({ requireKnownMemberId: false, clientId: 'rdkafka' }),
      );
      expect(joined.errorCode).toBe(ErrorCode.NONE);
      expect(joined.memberId).toMatch(/^rdkafka-/);
      expect(joined.leader).toBe(joined.memberId);
    });

    it('refuses unknown member ids, bad session timeouts and incompatible protocols', async () => {
      expect((await coordinator.joinGroup(joinRequest({ memberId: 'made-up' }))).errorCode).toBe(
        ErrorCode.UNKNOWN_MEMBER_ID,
      );
      expect((await coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 500 }))).errorCode).toBe(
        ErrorCode.INVALID_SESSION_TIMEOUT,
      );
      expect((await coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 300_001 }))).errorCode).toBe(
        ErrorCode.INVALID_SESSION_TIMEOUT,
      );
      expect((await coordinator.joinGroup(joinRequest({ protocols: [] }))).errorCode).toBe(
        ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
      );

      await joinStableAlone();
      expect((await coordinator.joinGroup(joinRequest({ protocolType: 'connect' }))).errorCode).toBe(
        ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
      );
      const roundRobinOnly = [{ name: 'roundrobin', metadata: Buffer.alloc(0) }];
      expect((await coordinator.joinGroup(joinRequest({ protocols: roundRobinOnly }))).errorCode).toBe(
        ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
      );
      expect(coordinator.listGroups()).toEqual([{ groupId: GROUP, protocolType: 'consumer' }]);
    });

    it('chooses the protocol most members prefer among those all of them support', async () => {
      const protocolsPreferring = (...names: string[]) =>
        names.map((name) => ({ name, metadata: Buffer.from(name) }));
      const leader = await joinStableAlone({ protocols: protocolsPreferring('range', 'roundrobin') });
      const second = await startJoin({
        clientId: 'client-b',
        protocols: protocolsPreferring('roundrobin', 'range'),
      });
      const third = await startJoin({
        clientId: 'client-c',
        protocols: protocolsPreferring('roundrobin', 'range'),
      });
      const leaderJoin = coordinator.joinGroup(
        joinRequest({ memberId: leader.memberId, protocols: protocolsPreferring('range', 'roundrobin') }),
      );
      const results = await Promise.all([leaderJoin, second.join, third.join]);
      expect(results.map((result) => result.protocolName)).toEqual([
        'roundrobin',
        'roundrobin',
        'roundrobin',
      ]);
      expect((await leaderJoin).members.map((member) => member.metadata.toString())).toEqual([
        'roundrobin',
        'roundrobin',
        'roundrobin',
      ]);
    });

    it('forgets a member id it handed out when the client never rejoins with it', async () => {
      const first = await coordinator.joinGroup(joinRequest());
      expect(coordinator.listGroups()).toEqual([{ groupId: GROUP, protocolType: '' }]);
      await jest.advanceTimersByTimeAsync(10_000);
      expect(coordinator.listGroups()).toEqual([]);
      const late = await coordinator.joinGroup(joinRequest({ memberId: first.memberId }));
      expect(late.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      expect(coordinator.describeGroup(GROUP).state).toBe('Dead');
    });

    it('waits initialRebalanceDelayMs for more members before the first generation', async () => {
      createCoordinator({ initialRebalanceDelayMs: 3000 });
      const first = await startJoin({ clientId: 'client-a' });
      await jest.advanceTimersByTimeAsync(2000);
      expect(await peek(first.join)).toBe(PENDING);
      const second = await startJoin({ clientId: 'client-b' });
      await jest.advanceTimersByTimeAsync(1000);
      expect(await peek(first.join)).toBe(PENDING); // extended because a member arrived
      await jest.advanceTimersByTimeAsync(3000);
      const [firstResult, secondResult] = await Promise.all([first.join, second.join]);
      expect(firstResult.generationId).toBe(1);
      expect(secondResult.generationId).toBe(1);
      expect(firstResult.members.map((member) => member.memberId)).toEqual([first.memberId, second.memberId]);
    });
  });

  describe('rebalancing', () => {
    it('takes a single member from join through sync to Stable', async () => {
      const { memberId, generationId } = await joinStableAlone();
      expect(coordinator.heartbeat(GROUP, generationId, memberId)).toBe(ErrorCode.NONE);
      const description = coordinator.describeGroup(GROUP);
      expect(description).toMatchObject({
        errorCode: 0,
        state: 'Stable',
        protocolType: 'consumer',
        protocolName: 'range',
      });
      expect(description.members).toEqual([
        {
          memberId,
          groupInstanceId: null,
          clientId: 'client-a',
          clientHost: '/127.0.0.1',
          metadata: Buffer.from('subscription of client-a'),
          assignment: Buffer.from(`assignment of ${memberId}`),
        },
      ]);
    });

    it('rebalances when a second member joins: the first learns through heartbeat 27 and both get the next generation', async () => {
      const first = await joinStableAlone({ clientId: 'client-a' });
      const second = await startJoin({ clientId: 'client-b' });
      expect(await peek(second.join)).toBe(PENDING);
      expect(coordinator.heartbeat(GROUP, first.generationId, first.memberId)).toBe(
        ErrorCode.REBALANCE_IN_PROGRESS,
      );
      expect(coordinator.describeGroup(GROUP).state).toBe('PreparingRebalance');
      // Clients commit what they processed before rejoining.
      const entries = [{ topic: 'payments', partition: 0, offset: 42, metadata: null }];
      expect(coordinator.commitOffsets(GROUP, first.generationId, first.memberId, entries)).toBe(
        ErrorCode.NONE,
      );

      const leaderJoin = await coordinator.joinGroup(
        joinRequest({ clientId: 'client-a', memberId: first.memberId }),
      );
      const followerJoin = await second.join;
      expect(leaderJoin.generationId).toBe(first.generationId + 1);
      expect(followerJoin.generationId).toBe(first.generationId + 1);
      expect(leaderJoin.leader).toBe(first.memberId);
      expect(followerJoin.leader).toBe(first.memberId);
      expect(leaderJoin.members).toEqual([
        {
          memberId: first.memberId,
          groupInstanceId: null,
          metadata: Buffer.from('subscription of client-a'),
        },
        {
          memberId: second.memberId,
          groupInstanceId: null,
          metadata: Buffer.from('subscription of client-b'),
        },
      ]);
      expect(followerJoin.members).toEqual([]);
      expect(coordinator.describeGroup(GROUP).state).toBe('CompletingRebalance');
      expect(coordinator.heartbeat(GROUP, leaderJoin.generationId, second.memberId)).toBe(ErrorCode.NONE);
      expect(coordinator.commitOffsets(GROUP, leaderJoin.generationId, first.memberId, entries)).toBe(
        ErrorCode.REBALANCE_IN_PROGRESS,
      );

      const generationId = leaderJoin.generationId;
      const followerSync = coordinator.syncGroup({
        groupId: GROUP,
        generationId,
        memberId: second.memberId,
        assignments: [],
      });
      expect(await peek(followerSync)).toBe(PENDING);
      const leaderSync = await coordinator.syncGroup({
        groupId: GROUP,
        generationId,
        memberId: first.memberId,
        assignments: [
          { memberId: first.memberId, assignment: Buffer.from('partitions 0-2') },
          { memberId: second.memberId, assignment: Buffer.from('partitions 3-5') },
        ],
      });
      expect(leaderSync).toMatchObject({
        errorCode: 0,
        protocolName: 'range',
        assignment: Buffer.from('partitions 0-2'),
      });
      expect(await followerSync).toMatchObject({ errorCode: 0, assignment: Buffer.from('partitions 3-5') });
      expect(coordinator.describeGroup(GROUP).state).toBe('Stable');
      // A late follower sync in Stable still gets its assignment.
      const lateSync = await coordinator.syncGroup({
        groupId: GROUP,
        generationId,
        memberId: second.memberId,
        assignments: [],
      });
      expect(lateSync.assignment).toEqual(Buffer.from('partitions 3-5'));
    });

    it('validates syncs and answers held syncs 27 when a new rebalance starts', async () => {
      const { leader, follower, generationId } = await twoStableMembers();
      const sync = (memberId: string, generation: number) =>
        coordinator.syncGroup({ groupId: GROUP, generationId: generation, memberId, assignments: [] });
      expect((await sync('stranger', generationId)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      expect((await sync(follower, generationId - 1)).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
      expect(coordinator.heartbeat(GROUP, generationId - 1, follower)).toBe(ErrorCode.ILLEGAL_GENERATION);
      expect(coordinator.heartbeat(GROUP, generationId, 'stranger')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);

      // The leader rejoining starts a rebalance; a sync in PreparingRebalance is refused.
      const leaderJoin = coordinator.joinGroup(joinRequest({ clientId: 'client-a', memberId: leader }));
      expect((await sync(follower, generationId)).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      const followerJoin = coordinator.joinGroup(joinRequest({ clientId: 'client-b', memberId: follower }));
      const next = (await leaderJoin).generationId;
      await followerJoin;

      const heldSync = sync(follower, next);
      expect(await peek(heldSync)).toBe(PENDING);
      const third = await startJoin({ clientId: 'client-c' });
      expect((await heldSync).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      expect(await peek(third.join)).toBe(PENDING);
    });

    it('rebalances when a member leaves, and becomes Empty when the last one leaves', async () => {
      const { leader, follower, generationId } = await twoStableMembers();
      const left = coordinator.leaveGroup(GROUP, [{ memberId: follower, groupInstanceId: null }]);
      expect(left).toEqual({
        errorCode: 0,
        members: [{ memberId: follower, groupInstanceId: null, errorCode: 0 }],
      });
      expect(coordinator.heartbeat(GROUP, generationId, leader)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      const rejoined = await coordinator.joinGroup(joinRequest({ memberId: leader }));
      expect(rejoined.generationId).toBe(generationId + 1);
      expect(rejoined.members.map((member) => member.memberId)).toEqual([leader]);

      const unknown = coordinator.leaveGroup(GROUP, [{ memberId: follower, groupInstanceId: null }]);
      expect(unknown.members[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      coordinator.leaveGroup(GROUP, [{ memberId: leader, groupInstanceId: null }]);
      expect(coordinator.describeGroup(GROUP)).toMatchObject({ state: 'Empty', members: [] });
      expect(coordinator.heartbeat(GROUP, rejoined.generationId, leader)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    });

    it('evicts a member whose session times out and rebalances the rest', async () => {
      const { leader, follower, generationId } = await twoStableMembers();
      await jest.advanceTimersByTimeAsync(6000);
      expect(coordinator.heartbeat(GROUP, generationId, leader)).toBe(ErrorCode.NONE);
      await jest.advanceTimersByTimeAsync(5000);
      expect(coordinator.heartbeat(GROUP, generationId, follower)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      expect(coordinator.heartbeat(GROUP, generationId, leader)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      expect(logLines.some((line) => line.includes(follower) && line.includes('session timeout'))).toBe(true);

      const rejoined = await coordinator.joinGroup(joinRequest({ memberId: leader }));
      expect(rejoined.members.map((member) => member.memberId)).toEqual([leader]);
      await jest.advanceTimersByTimeAsync(10_000);
      expect(coordinator.describeGroup(GROUP)).toMatchObject({ state: 'Empty', members: [] });
    });

    it('evicts a member that keeps heartbeating but does not rejoin within the rebalance timeout', async () => {
      const { leader, follower, generationId } = await twoStableMembers({ sessionTimeoutMs: 60_000 });
      const third = await startJoin({ clientId: 'client-c', rebalanceTimeoutMs: 5000 });
      const leaderJoin = coordinator.joinGroup(joinRequest({ memberId: leader }));
      for (let elapsed = 0; elapsed < 29_000; elapsed += 1000) {
        await jest.advanceTimersByTimeAsync(1000);
        expect(coordinator.heartbeat(GROUP, generationId, follower)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      }
      expect(await peek(leaderJoin)).toBe(PENDING);
      await jest.advanceTimersByTimeAsync(1000); // the longest rebalance timeout among members is 30 s
      const [leaderResult, thirdResult] = await Promise.all([leaderJoin, third.join]);
      expect(leaderResult.generationId).toBe(generationId + 1);
      expect(leaderResult.members.map((member) => member.memberId)).toEqual([leader, third.memberId]);
      expect(thirdResult.leader).toBe(leader);
      expect(coordinator.heartbeat(GROUP, generationId, follower)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    });

    it('hands leadership to the oldest remaining member when the leader leaves', async () => {
      const { leader, follower } = await twoStableMembers();
      coordinator.leaveGroup(GROUP, [{ memberId: leader, groupInstanceId: null }]);
      const rejoined = await coordinator.joinGroup(joinRequest({ clientId: 'client-b', memberId: follower }));
      expect(rejoined.leader).toBe(follower);
      expect(rejoined.members.map((member) => member.memberId)).toEqual([follower]);
    });

    it('evicts a leader that never syncs, releasing the followers waiting for it', async () => {
      const first = await joinStableAlone({ clientId: 'client-a', sessionTimeoutMs: 60_000 });
      const second = await startJoin({ clientId: 'client-b', sessionTimeoutMs: 60_000 });
      const leaderJoin = await coordinator.joinGroup(
        joinRequest({ memberId: first.memberId, sessionTimeoutMs: 60_000 }),
      );
      const generationId = (await second.join).generationId;
      const followerSync = coordinator.syncGroup({
        groupId: GROUP,
        generationId,
        memberId: second.memberId,
        assignments: [],
      });
      await jest.advanceTimersByTimeAsync(29_000);
      expect(coordinator.heartbeat(GROUP, leaderJoin.generationId, first.memberId)).toBe(ErrorCode.NONE);
      expect(await peek(followerSync)).toBe(PENDING);
      await jest.advanceTimersByTimeAsync(1000);
      expect((await followerSync).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      expect(coordinator.heartbeat(GROUP, generationId, first.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    });
  });

  describe('offsets', () => {
    const entries = [
      { topic: 'payments', partition: 0, offset: 100, metadata: 'checkpoint' },
      { topic: 'payments', partition: 1, offset: -1, metadata: null },
    ];

    it('accepts commits from the current generation only and fetches what was committed', async () => {
      const { memberId, generationId } = await joinStableAlone();
      expect(coordinator.commitOffsets(GROUP, generationId + 1, memberId, entries)).toBe(
        ErrorCode.ILLEGAL_GENERATION,
      );
      expect(coordinator.commitOffsets(GROUP, generationId, 'stranger', entries)).toBe(
        ErrorCode.UNKNOWN_MEMBER_ID,
      );
      expect(coordinator.commitOffsets(GROUP, -1, '', entries)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      expect(coordinator.fetchOffsets(GROUP, null)).toEqual([]);

      expect(coordinator.commitOffsets(GROUP, generationId, memberId, entries)).toBe(ErrorCode.NONE);
      expect(
        coordinator.fetchOffsets(GROUP, [
          { topic: 'payments', partition: 0 },
          { topic: 'payments', partition: 7 },
        ]),
      ).toEqual([
        { topic: 'payments', partition: 0, offset: 100, metadata: 'checkpoint', errorCode: 0 },
        { topic: 'payments', partition: 7, offset: -1, metadata: '', errorCode: 0 },
      ]);
      expect(coordinator.fetchOffsets(GROUP, null)).toEqual([
        { topic: 'payments', partition: 0, offset: 100, metadata: 'checkpoint', errorCode: 0 },
        { topic: 'payments', partition: 1, offset: -1, metadata: null, errorCode: 0 },
      ]);
    });

    it('keeps a committing member alive', async () => {
      const { memberId, generationId } = await joinStableAlone();
      for (let elapsed = 0; elapsed < 30_000; elapsed += 5000) {
        await jest.advanceTimersByTimeAsync(5000);
        expect(coordinator.commitOffsets(GROUP, generationId, memberId, entries)).toBe(ErrorCode.NONE);
      }
      expect(coordinator.describeGroup(GROUP).members.map((member) => member.memberId)).toEqual([memberId]);
    });

    it('accepts standalone commits (generation -1) only while the group has no members', async () => {
      expect(coordinator.commitOffsets('admin-tool', -1, '', entries)).toBe(ErrorCode.NONE);
      expect(coordinator.fetchOffsets('admin-tool', [{ topic: 'payments', partition: 0 }])[0].offset).toBe(
        100,
      );
      expect(coordinator.commitOffsets('never-joined', 3, 'someone', entries)).toBe(
        ErrorCode.ILLEGAL_GENERATION,
      );

      const { memberId } = await joinStableAlone();
      expect(coordinator.commitOffsets(GROUP, -1, '', entries)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      coordinator.leaveGroup(GROUP, [{ memberId, groupInstanceId: null }]);
      expect(coordinator.commitOffsets(GROUP, -1, '', entries)).toBe(ErrorCode.NONE);
    });
  });

  describe('administration', () => {
    it('describes an unknown group as Dead', () => {
      expect(coordinator.describeGroup('nobody')).toEqual({
        errorCode: 0,
        groupId: 'nobody',
        state: 'Dead',
        protocolType: '',
        protocolName: '',
        members: [],
      });
    });

    it('lists groups with members and groups that only have committed offsets', async () => {
      await joinStableAlone();
      coordinator.commitOffsets('offsets-only', -1, '', [
        { topic: 'payments', partition: 0, offset: 5, metadata: null },
      ]);
      expect(coordinator.listGroups()).toEqual([
        { groupId: GROUP, protocolType: 'consumer' },
        { groupId: 'offsets-only', protocolType: '' },
      ]);
      expect(coordinator.describeGroup('offsets-only').state).toBe('Empty');
    });

    it('deletes only empty groups, with their committed offsets', async () => {
      const { memberId, generationId } = await joinStableAlone();
      coordinator.commitOffsets(GROUP, generationId, memberId, [
        { topic: 'payments', partition: 0, offset: 9, metadata: null },
      ]);
      expect(coordinator.deleteGroup(GROUP)).toBe(ErrorCode.NON_EMPTY_GROUP);
      expect(coordinator.deleteGroup('nobody')).toBe(ErrorCode.GROUP_ID_NOT_FOUND);

      coordinator.leaveGroup(GROUP, [{ memberId, groupInstanceId: null }]);
      expect(coordinator.deleteGroup(GROUP)).toBe(ErrorCode.NONE);
      expect(coordinator.fetchOffsets(GROUP, [{ topic: 'payments', partition: 0 }])[0].offset).toBe(-1);
      expect(coordinator.listGroups()).toEqual([]);
      expect(coordinator.describeGroup(GROUP).state).toBe('Dead');
      expect(coordinator.deleteGroup(GROUP)).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    });
  });

  describe('close', () => {
    it('answers held joins and syncs with COORDINATOR_NOT_AVAILABLE and stops every timer', async () => {
      const first = await joinStableAlone({ clientId: 'client-a' });
      const second = await startJoin({ clientId: 'client-b' });
      await coordinator.joinGroup(joinRequest({ memberId: first.memberId }));
      const generationId = (await second.join).generationId;
      const heldSync = coordinator.syncGroup({
        groupId: GROUP,
        generationId,
        memberId: second.memberId,
        assignments: [],
      });
      await (
        await startJoin({ clientId: 'client-c', groupId: 'other-group' })
      ).join;
      const heldJoin = (await startJoin({ clientId: 'client-d', groupId: 'other-group' })).join;
      expect(await peek(heldJoin)).toBe(PENDING);

      coordinator.close();
      expect((await heldSync).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      expect((await heldJoin).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      expect(jest.getTimerCount()).toBe(0);
      expect((await coordinator.joinGroup(joinRequest())).errorCode).toBe(
        ErrorCode.COORDINATOR_NOT_AVAILABLE,
      );
      expect(coordinator.heartbeat(GROUP, generationId, first.memberId)).toBe(
        ErrorCode.COORDINATOR_NOT_AVAILABLE,
      );
    });
  });
});
