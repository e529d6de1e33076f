import type { LinkKeyring } from '@switchboard/security';
import { readUnsubscribeLink, type UnsubscribeLinkFacts } from './unsubscribe-link';

export type UnsubscribeConfirmation =
  { outcome: 'not-found' } | ({ outcome: 'confirm' } & UnsubscribeLinkFacts);

/**
 * What GET on a one-click link shows: a question and a button. It changes nothing, because mail
 * scanners and link previews follow every GET in an email.
 */
export class ShowUnsubscribeConfirmation {
  constructor(
    private readonly keyring: LinkKeyring | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  execute(token: string): UnsubscribeConfirmation {
    const facts = readUnsubscribeLink(token, this.keyring, this.now());
    return facts ? { outcome: 'confirm', ...facts } : { outcome: 'not-found' };
  }
}
