import { SendMessageRequest, validate, type ValidationProblem } from '@switchboard/contracts';

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
    const result = validate(SendMessageRequest, item);
    if (result.ok) valid.push({ index, request: result.value });
    else rejected.push({ index, problems: result.problems });
  });
  return { valid, rejected };
}
