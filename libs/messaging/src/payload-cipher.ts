import type { PersonalData } from '@switchboard/contracts';

/** A consumed payload with its personal fields opened, or why it cannot be read. */
export type OpenedPayload =
  | { ok: true; payload: unknown }
  | {
      ok: false;
      /** `recipient-erased`: the owner's key was destroyed; nothing of the payload may be used. */
      reason: 'recipient-erased' | 'unreadable-payload';
      /** What went wrong, without any of the payload's values. */
      detail: string;
    };

/**
 * Seals the personal fields of payloads before they are published and opens them after they
 * are read, so that retained records hold no plaintext (`PersonalData` of each topic contract
 * names the fields). The implementation lives with the keys (@switchboard/encryption); the
 * messaging library only knows when to call it.
 */
export interface PayloadCipher {
  /** Copies of the payloads with their personal fields sealed; the originals are not changed. */
  seal(personalData: PersonalData<unknown>, payloads: readonly unknown[]): Promise<unknown[]>;
  /**
   * The payloads as they were before sealing, each or the reason it cannot be read (it alone,
   * not the batch). A field still in plaintext (a record written before sealing was turned on)
   * passes as it is. Throws only when the keys cannot be had now (an unavailable database): the
   * records wait for it like any other work.
   */
  open(personalData: PersonalData<unknown>, payloads: readonly unknown[]): Promise<OpenedPayload[]>;
}
