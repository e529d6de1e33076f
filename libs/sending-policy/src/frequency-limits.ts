import type { ChannelName, FrequencyLimit } from '@switchboard/contracts';

/** A message that was sent, or decided to be sent, to the recipient and counts against their limits. */
export interface RecentSend {
  at: Date;
  category: string;
  channel: ChannelName;
}

/** The message being decided. */
export interface SendCandidate {
  category: string;
  channel: ChannelName;
}

export type FrequencyVerdict =
  | { allowed: true }
  /** `limit` is the one that holds the message longest; by `nextAllowedAt` it fits under every limit. */
  | { allowed: false; limit: FrequencyLimit; nextAllowedAt: Date };

/** A verdict on several sends at once; a null `nextAllowedAt`: `limit` is too small for them ever to fit together. */
export type FrequencyVerdictTogether =
  { allowed: true } | { allowed: false; limit: FrequencyLimit; nextAllowedAt: Date | null };

/** Whether a limit counts a message of this category on this channel: a limit without a category or channel counts all. */
export function limitApplies(limit: FrequencyLimit, candidate: SendCandidate): boolean {
  return (
    (limit.category === undefined || limit.category === candidate.category) &&
    (limit.channel === undefined || limit.channel === candidate.channel)
  );
}

/** How far back the history of a recipient must reach to decide every limit (0 without limits). */
export function maxWindowSeconds(limits: readonly FrequencyLimit[]): number {
  return limits.reduce((longest, limit) => Math.max(longest, limit.windowSeconds), 0);
}

/** The index of the first of the ascending `times` after `bound`. */
function firstAfter(times: readonly number[], bound: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (times[middle] <= bound) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * One recipient's fatigue budget: the tenant's limits over the recipient's recent sends. It decides
 * the candidates of one batch in order, each one it allows counting against those after it.
 *
 * A rolling window of W seconds at `now` holds the sends after `now - W`: a send exactly W seconds
 * old no longer counts. Messages of types exempt from limits are neither checked nor recorded.
 */
export class RecipientBudget {
  /** Per limit, the times (epoch milliseconds, ascending) of the sends it counts. */
  private readonly sendTimes: number[][];

  constructor(
    private readonly limits: readonly FrequencyLimit[],
    history: readonly RecentSend[],
  ) {
    this.sendTimes = limits.map((limit) =>
      history
        .filter((send) => limitApplies(limit, send))
        .map((send) => send.at.getTime())
        .sort((left, right) => left - right),
    );
  }

  /** The verdict for the candidate at `now`, without counting it. */
  check(candidate: SendCandidate, now: Date): FrequencyVerdict {
    // One send never needs more room than a limit (at least 1) has, so a time always exists.
    return this.checkTogether([candidate], now) as FrequencyVerdict;
  }

  /**
   * The verdict for sending all the candidates at once (one message on several channels), without
   * counting them: each limit must have room for every candidate it applies to. `nextAllowedAt` is
   * null when a limit is smaller than the number of candidates it applies to: they never fit together.
   */
  checkTogether(candidates: readonly SendCandidate[], now: Date): FrequencyVerdictTogether {
    const nowMs = now.getTime();
    let holding: { limit: FrequencyLimit; nextAllowedAt: number } | undefined;
    for (const [index, limit] of this.limits.entries()) {
      const wanted = candidates.filter((candidate) => limitApplies(limit, candidate)).length;
      if (wanted === 0) continue;
      if (wanted > limit.limit) return { allowed: false, limit, nextAllowedAt: null };
      const times = this.sendTimes[index];
      const windowMs = limit.windowSeconds * 1000;
      const firstInWindow = firstAfter(times, nowMs - windowMs);
      const inWindow = times.length - firstInWindow;
      const mustLeave = inWindow + wanted - limit.limit;
      if (mustLeave <= 0) continue;
      // The candidates fit once the oldest `mustLeave` sends in the window have left it.
      const nextAllowedAt = times[firstInWindow + mustLeave - 1] + windowMs;
      if (!holding || nextAllowedAt > holding.nextAllowedAt) holding = { limit, nextAllowedAt };
    }
    // Sends only leave windows as time passes, so the latest of the limits' times fits them all.
    return holding
      ? { allowed: false, limit: holding.limit, nextAllowedAt: new Date(holding.nextAllowedAt) }
      : { allowed: true };
  }

  /** The verdict for the candidate at `now`; when allowed, the send is counted against later candidates. */
  tryConsume(candidate: SendCandidate, now: Date): FrequencyVerdict {
    const verdict = this.check(candidate, now);
    if (verdict.allowed) this.record({ ...candidate, at: now });
    return verdict;
  }

  /** Like tryConsume for several sends at once: all are counted, or none. */
  tryConsumeTogether(candidates: readonly SendCandidate[], now: Date): FrequencyVerdictTogether {
    const verdict = this.checkTogether(candidates, now);
    if (verdict.allowed) for (const candidate of candidates) this.record({ ...candidate, at: now });
    return verdict;
  }

  /** Counts a send decided elsewhere (another channel of an `all` message, say). */
  record(send: RecentSend): void {
    const at = send.at.getTime();
    this.limits.forEach((limit, index) => {
      if (!limitApplies(limit, send)) return;
      const times = this.sendTimes[index];
      times.splice(firstAfter(times, at), 0, at);
    });
  }
}

/** The verdict for one candidate against the recipient's recent sends. */
export function checkFrequencyLimits(
  limits: readonly FrequencyLimit[],
  history: readonly RecentSend[],
  candidate: SendCandidate,
  now: Date,
): FrequencyVerdict {
  return new RecipientBudget(limits, history).check(candidate, now);
}
