/** What routing needs of a stored recipient: where to reach them and their clock. */
export interface RecipientContactPoints {
  email: string | null;
  phone: string | null;
  timeZone: string | null;
  /** Oldest first. */
  pushSubscriptions: Array<{ endpoint: string; p256dh: string; auth: string }>;
}

/** Contact points of many recipients at once, keyed by contactPointsKey(tenantId, recipientId). */
export abstract class ContactPointLookup {
  abstract findMany(
    keys: ReadonlyArray<{ tenantId: string; recipientId: string }>,
  ): Promise<Map<string, RecipientContactPoints>>;
}

export function contactPointsKey(tenantId: string, recipientId: string): string {
  return JSON.stringify([tenantId, recipientId]);
}
