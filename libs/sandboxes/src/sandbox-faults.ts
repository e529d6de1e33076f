import { z } from 'zod';
import { SandboxRequestError } from './sandbox-http';
import { seededRandom } from './seeded-random';

/** What every provider sandbox can be told to do wrong. */
export interface FaultSettings {
  /**
   * Share of calls that fail, from 0 to 1. When left out it is 1 if a way of failing is given
   * (`status`, `throttle`, ...) and 0 otherwise.
   */
  failureRate?: number;
  /** HTTP status of a failing call; 500 unless told. */
  status?: 500 | 503;
  /** Failing calls answer the provider's throttling error instead of a 5xx. */
  throttle?: boolean;
  /** Delay before every answer, failing or not. */
  latencyMs?: number;
  /** Seed of the draw that picks the failing calls: the same seed fails the same calls. Default 1. */
  seed?: number;
}

/** The faults of a sandbox, set from this process or another. */
export interface SandboxFaults<Settings> {
  /** Replaces the current faults (what is left out is off); an invalid setting is refused. */
  set(settings: Settings): Promise<void>;
  clear(): Promise<void>;
  get(): Promise<Settings>;
}

export const DEFAULT_FAULT_SEED = 1;

export const faultSettingsShape = {
  failureRate: z.number().min(0).max(1).optional(),
  status: z.union([z.literal(500), z.literal(503)]).optional(),
  throttle: z.boolean().optional(),
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  seed: z.number().int().optional(),
};

export class FaultSettingsError extends SandboxRequestError {
  override name = 'FaultSettingsError';

  constructor(readonly problems: string[]) {
    super(`invalid fault settings: ${problems.join('; ')}`);
  }
}

/**
 * The faults a sandbox currently injects, validated, with the seeded draw that decides which
 * calls fail. Setting new faults restarts the draw from the seed.
 */
export class FaultPlan<Settings extends FaultSettings> {
  private settings = {} as Settings;
  private random = seededRandom(DEFAULT_FAULT_SEED);

  /**
   * @param failureWays the settings that each choose a way of failing; at most one may be set.
   */
  constructor(
    private readonly schema: z.ZodType<Settings>,
    private readonly failureWays: (keyof Settings & string)[],
  ) {}

  set(input: unknown): Settings {
    const parsed = this.schema.safeParse(input);
    if (!parsed.success) {
      throw new FaultSettingsError(
        parsed.error.issues.map((issue) => `${issue.path.join('.') || 'faults'}: ${issue.message}`),
      );
    }
    const chosen = this.failureWays.filter((way) => isChosen(parsed.data[way]));
    if (chosen.length > 1) {
      throw new FaultSettingsError([
        `${chosen.join(' and ')}: choose one way of failing, not ${chosen.length}`,
      ]);
    }
    this.settings = parsed.data;
    this.random = seededRandom(parsed.data.seed ?? DEFAULT_FAULT_SEED);
    return this.settings;
  }

  clear(): void {
    this.set({});
  }

  current(): Settings {
    return { ...this.settings };
  }

  latencyMs(): number {
    return this.settings.latencyMs ?? 0;
  }

  /** Whether the next call fails; draws from the seeded random only while failures are possible. */
  nextCallFails(): boolean {
    const wayChosen = this.failureWays.some((way) => isChosen(this.settings[way]));
    const rate = this.settings.failureRate ?? (wayChosen ? 1 : 0);
    if (rate <= 0) return false;
    return this.random() < rate;
  }
}

function isChosen(value: unknown): boolean {
  return value !== undefined && value !== false;
}
