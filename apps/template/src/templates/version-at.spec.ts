import { versionAt } from './version-at';

const versions = [
  { version: 1, createdAt: new Date('2026-03-01T10:00:00.000Z') },
  { version: 3, createdAt: new Date('2026-03-03T10:00:00.000Z') },
  { version: 2, createdAt: new Date('2026-03-02T10:00:00.000Z') },
];

describe('versionAt', () => {
  it('picks the latest version created at or before the acceptance time', () => {
    expect(versionAt(versions, new Date('2026-03-02T12:00:00Z'))?.version).toBe(2);
    expect(versionAt(versions, new Date('2026-03-09T00:00:00Z'))?.version).toBe(3);
  });

  it('counts a version created in the same millisecond as the acceptance as current', () => {
    expect(versionAt(versions, new Date('2026-03-03T10:00:00.000Z'))?.version).toBe(3);
    expect(versionAt(versions, new Date('2026-03-03T09:59:59.999Z'))?.version).toBe(2);
  });

  it('finds nothing for a message accepted before the template existed', () => {
    expect(versionAt(versions, new Date('2026-02-28T00:00:00Z'))).toBeUndefined();
    expect(versionAt([], new Date('2026-03-09T00:00:00Z'))).toBeUndefined();
  });
});
