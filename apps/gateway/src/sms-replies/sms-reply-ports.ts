/** Where a reply's opt-out or opt-in takes effect: the tenant's SMS suppression of the number. */
export abstract class SmsReplySuppressions {
  /** Suppresses the number for the tenant's SMS; `created` is false when it already was. */
  abstract optOut(tenantId: string, phoneNumber: string): Promise<{ created: boolean }>;
  /** Lifts the suppression an earlier reply added; `lifted` is false when there was none (a bounce's stays). */
  abstract optIn(tenantId: string, phoneNumber: string): Promise<{ lifted: boolean }>;
}
