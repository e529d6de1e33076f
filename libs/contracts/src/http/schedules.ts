import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { MessageId, Timestamp } from '../common';
import { SendMessageRequest } from '../events/message-requested/message-requested';
import { TimeZone } from './sending-policy';

/** Answer to DELETE /v1/messages/{id}: 'cancelling' when the router has not decided on the message yet. */
export const CancelMessageResponse = z.strictObject({
  messageId: MessageId,
  status: z.enum(['cancelled', 'cancelling']),
});

const CRON_FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'];

function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== CRON_FIELD_NAMES.length)
    return `must have 5 fields (${CRON_FIELD_NAMES.join(', ')}), got ${fields.length}`;
  // H picks a random value per parse, so the next runs would change from one read to the next.
  if (/(^|[\s,])H(?![A-Z])/i.test(expression)) return 'H (hashed values) is not supported';
  try {
    CronExpressionParser.parse(expression, { tz: 'UTC', currentDate: new Date(0) });
    return undefined;
  } catch (error) {
    return `is not a valid cron expression: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** A standard 5-field cron expression (minute hour day-of-month month day-of-week), such as `30 9 * * 1-5`. */
export const CronExpression = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .superRefine((expression, context) => {
    // An empty expression is already refused by min(1).
    if (expression === '') return;
    const problem = cronProblem(expression);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  });

/** The message a schedule sends at each run; the run decides when, so it has no `sendAt`. */
export const ScheduledMessage = SendMessageRequest.omit({ sendAt: true });

/** How late a run may be (the router was down) and still be sent; later runs are skipped. */
export const ToleranceSeconds = z
  .int()
  .min(60)
  .max(31 * 24 * 3600);
export const DEFAULT_TOLERANCE_SECONDS = 3600;

export const ScheduleStatus = z.enum(['active', 'paused']);

function endsAfterStart(window: { startAt?: string | null; endAt?: string | null }): boolean {
  if (!window.startAt || !window.endAt) return true;
  return Date.parse(window.endAt) > Date.parse(window.startAt);
}
const END_AFTER_START = { message: 'endAt must be later than startAt', path: ['endAt'] };

/** Body of POST /v1/schedules. */
export const CreateScheduleRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    cron: CronExpression,
    /** The zone the cron expression is read in: `0 9 * * *` in Europe/Berlin is 09:00 there, summer and winter. */
    timeZone: TimeZone,
    message: ScheduledMessage,
    toleranceSeconds: ToleranceSeconds.default(DEFAULT_TOLERANCE_SECONDS),
    /** No run before this instant. */
    startAt: Timestamp.optional(),
    /** No run at or after this instant. */
    endAt: Timestamp.optional(),
  })
  .refine(endsAfterStart, END_AFTER_START);

/** Body of PATCH /v1/schedules/{id}: the fields given change; null clears name, startAt or endAt. */
export const UpdateScheduleRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(200).nullable().optional(),
    /** 'paused': no run fires; back to 'active', runs start again from the next one after now. */
    status: ScheduleStatus.optional(),
    cron: CronExpression.optional(),
    timeZone: TimeZone.optional(),
    message: ScheduledMessage.optional(),
    toleranceSeconds: ToleranceSeconds.optional(),
    startAt: Timestamp.nullable().optional(),
    endAt: Timestamp.nullable().optional(),
  })
  .refine((update) => Object.keys(update).length > 0, { message: 'name at least one field to change' })
  .refine(endsAfterStart, END_AFTER_START);

export const ScheduleId = z.uuid();

export const ScheduleView = z.strictObject({
  id: ScheduleId,
  name: z.string().nullable(),
  cron: z.string(),
  timeZone: z.string(),
  message: ScheduledMessage,
  toleranceSeconds: z.int(),
  startAt: Timestamp.nullable(),
  endAt: Timestamp.nullable(),
  status: ScheduleStatus,
  /** The next (at most 5) runs; empty while paused or once endAt has passed. */
  nextRuns: z.array(Timestamp).max(5),
  lastRunAt: Timestamp.nullable(),
  /** Runs skipped because they were found later than the tolerance (the router was down). */
  skippedRuns: z.int().min(0),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const ScheduleListView = z.strictObject({ schedules: z.array(ScheduleView) });

export type CancelMessageResponse = z.infer<typeof CancelMessageResponse>;
export type ScheduledMessage = z.infer<typeof ScheduledMessage>;
export type ScheduleStatusName = z.infer<typeof ScheduleStatus>;
export type CreateScheduleRequest = z.infer<typeof CreateScheduleRequest>;
export type UpdateScheduleRequest = z.infer<typeof UpdateScheduleRequest>;
export type ScheduleView = z.infer<typeof ScheduleView>;
export type ScheduleListView = z.infer<typeof ScheduleListView>;
