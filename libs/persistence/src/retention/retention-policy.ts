/** How long a tenant's message content and timelines are kept: its own period, or the default. */
export class RetentionPolicy {
  constructor(
    readonly defaultPeriodMs: number,
    readonly tenantPeriodsMs: ReadonlyMap<string, number> = new Map(),
  ) {}

  static fromConfig(config: {
    RETENTION_PERIOD: number;
    RETENTION_PERIOD_BY_TENANT: ReadonlyMap<string, number>;
  }): RetentionPolicy {
    return new RetentionPolicy(config.RETENTION_PERIOD, config.RETENTION_PERIOD_BY_TENANT);
  }

  /**
   * The cutoffs at `now`: one per tenant with its own period, and one for every other tenant.
   * A row older than its tenant's cutoff is purged.
   */
  cutoffs(now: Date): RetentionCutoffs {
    return {
      tenants: [...this.tenantPeriodsMs].map(([tenantId, periodMs]) => ({
        tenantId,
        cutoff: new Date(now.getTime() - periodMs),
      })),
      otherTenants: new Date(now.getTime() - this.defaultPeriodMs),
    };
  }
}

export interface RetentionCutoffs {
  tenants: Array<{ tenantId: string; cutoff: Date }>;
  otherTenants: Date;
}
