import type { EmailDispatch } from '@switchboard/contracts';

export interface EmailProvider {
  readonly name: string;
  /** Resolves with the provider's id for the email; throws the provider's error as is. */
  send(dispatch: EmailDispatch): Promise<{ providerMessageId: string }>;
}
