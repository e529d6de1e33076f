import { validate, type ValidationProblem } from '@switchboard/contracts';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';

/**
 * The Message of the SNS Notification by which two-way SMS delivers a reply (Amazon's document,
 * not ours: only what is used is required, the rest is let through).
 */
const InboundSmsMessage = z.object({
  originationNumber: z.string().min(1).max(64),
  destinationNumber: z.string().min(1).max(64),
  messageBody: z.string().max(10_000),
  inboundMessageId: z.string().min(1).max(200),
  messageKeyword: z.string().max(200).optional(),
  previousPublishedMessageId: z.string().max(200).optional(),
});

export type InboundSmsMessage = z.infer<typeof InboundSmsMessage>;

export function parseInboundSms(
  message: string,
): { ok: true; value: InboundSmsMessage } | { ok: false; problems: ValidationProblem[] } {
  let document: unknown;
  try {
    document = JSON.parse(message);
  } catch {
    return { ok: false, problems: [{ field: 'Message', problem: 'is not JSON' }] };
  }
  return validate(InboundSmsMessage, document);
}

/**
 * The replying number in E.164. SNS gives E.164 already; a number without its country code is read
 * in the country of the number it replied to, the only region it can be from.
 */
export function replyingNumberOf(
  reply: Pick<InboundSmsMessage, 'originationNumber' | 'destinationNumber'>,
): string | undefined {
  // The calling code, not the country: +44 is shared by several, and a test range names none.
  const callingCode = parsePhoneNumberFromString(reply.destinationNumber)?.countryCallingCode;
  const number = parsePhoneNumberFromString(
    reply.originationNumber,
    callingCode === undefined ? {} : { defaultCallingCode: callingCode },
  );
  return number?.isPossible() ? number.number : undefined;
}
