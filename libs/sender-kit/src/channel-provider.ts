import type { ProviderFailure } from '@switchboard/delivery';

/** Facts for the timeline (segments, encoding, ...). */
export type DeliveryDetail = Record<string, string | number | boolean>;

export interface ProviderSendResult {
  providerMessageId: string;
  /** Facts for the timeline (segments, encoding, ...), also kept in the delivery ledger. */
  detail?: DeliveryDetail;
}

export interface ProviderSendContext {
  /** The delivery attempt this call is, from 1. */
  attempt: number;
  /** Aborted when the call times out or the sender stops; pass it to the provider's client. */
  signal: AbortSignal;
}

/** One configured provider of a channel, as the sender runtime calls it. */
export interface ChannelProvider<TDispatch> {
  /** Unique per configured provider, e.g. 'sns-us-east-1'; recorded in the ledger and events. */
  readonly name: string;
  send(dispatch: TDispatch, context: ProviderSendContext): Promise<ProviderSendResult>;
  /** Maps whatever send() threw to transient / throttled / permanent. */
  classify(error: unknown): ProviderFailure;
  /**
   * Optional: whether the call may have reached the provider although it threw (a timeout, a
   * connection reset after the request was written). Such an attempt is retried on the same
   * provider, never failed over. Default: see `mayHaveBeenSent`.
   */
  mayHaveBeenSent?(error: unknown, failure: ProviderFailure): boolean;
}
