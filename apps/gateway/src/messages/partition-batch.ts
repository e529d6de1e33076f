import { normaliseEmailAddress, normalisePhoneNumber } from '@switchboard/addresses';
import { SendMessageRequest, validate, type Validated, type ValidationProblem } from '@switchboard/contracts';

export interface ValidBatchItem {
  index: number;
  request: SendMessageRequest;
}

export interface RejectedBatchItem {
  index: number;
  problems: ValidationProblem[];
}

/** Splits batch items into valid requests and rejected items, each keeping its position. */
export function partitionBatch(items: readonly unknown[]): {
  valid: ValidBatchItem[];
  rejected: RejectedBatchItem[];
} {
  const valid: ValidBatchItem[] = [];
  const rejected: RejectedBatchItem[] = [];
  items.forEach((item, index) => {
    const validated = validate(SendMessageRequest, item);
    const result = validated.ok ? cleanRecipientAddresses(validated.value) : validated;
    if (result.ok) valid.push({ index, request: result.value });
    else rejected.push({ index, problems: result.problems });
  });
  return { valid, rejected };
}

/**
 * The request with its recipient's email cleaned (domain lower-cased and in ASCII) and its phone
 * number checked against the numbering plan, or the problems naming `recipient.email` and
 * `recipient.phone`. The contract takes E.164 only: reading national numbers needs the tenant's
 * phone region, which the router holds.
 */
export function cleanRecipientAddresses(request: SendMessageRequest): Validated<SendMessageRequest> {
  const problems: ValidationProblem[] = [];
  const recipient = { ...request.recipient };
  if (recipient.email !== undefined) {
    const checked = normaliseEmailAddress(recipient.email);
    if (checked.ok) recipient.email = checked.value.address;
    else problems.push({ field: 'recipient.email', problem: checked.problem });
  }
  if (recipient.phone !== undefined) {
    const checked = normalisePhoneNumber(recipient.phone);
    if (checked.ok) recipient.phone = checked.value.e164;
    else problems.push({ field: 'recipient.phone', problem: checked.problem });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: { ...request, recipient } };
}
