import type { ScheduledRender } from '../routing/decision-store';

export abstract class ScheduleStore {
  /**
   * Takes up to `limit` due schedules that are not released yet, skipping those another replica
   * is releasing, hands them to `release`, and marks them released once it resolves. If
   * `release` throws, they stay due and are taken again on a later call.
   */
  abstract releaseDue(
    now: Date,
    limit: number,
    release: (due: ScheduledRender[]) => Promise<void>,
  ): Promise<ScheduledRender[]>;
}
