import type { ValidationProblem } from '@switchboard/contracts';
import { ReceiptError } from './receipt-error';
import type { SnsMessageRejection } from './receive-sns-message.usecase';

/** An SNS message refused by verification, by any route SNS posts to. */
export interface SnsRejection {
  reason: SnsMessageRejection;
  problems?: ValidationProblem[];
}

/** What the sender is told: the reason, never the verifier's detail (which is logged instead). */
export function snsRejectionError({ reason, problems }: SnsRejection): ReceiptError {
  switch (reason) {
    case 'malformed':
      return new ReceiptError('SNS_MESSAGE_MALFORMED', 'the body is not an SNS message', {
        reason,
        errors: problems ?? [],
      });
    case 'certificate-unavailable':
      return new ReceiptError(
        'SNS_CERTIFICATE_UNAVAILABLE',
        'the signing certificate could not be fetched; retry later',
        { reason },
      );
    case 'topic-not-allowed':
      return rejected(reason, 'the topic is not one this endpoint accepts');
    case 'bad-certificate-url':
      return rejected(reason, 'SigningCertURL is not an Amazon SNS certificate URL');
    case 'stale':
      return rejected(reason, 'the message is too old or dated in the future');
    case 'bad-certificate':
      return rejected(reason, 'the signing certificate is not usable');
    case 'bad-signature':
      return rejected(reason, 'the signature does not verify');
    case 'replayed':
      return rejected(reason, 'the message was handled before');
    case 'bad-subscribe-url':
      return rejected(reason, 'SubscribeURL is not an Amazon SNS confirmation URL; not followed');
    default:
      return exhaustive(reason);
  }
}

function rejected(reason: SnsMessageRejection, detail: string): ReceiptError {
  return new ReceiptError('SNS_MESSAGE_REJECTED', detail, { reason });
}

function exhaustive(reason: never): never {
  throw new Error(`unmapped SNS rejection ${String(reason)}`);
}
