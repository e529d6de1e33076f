/** A cleaned address, or what is wrong with the input in words ("is not a phone number"). */
export type AddressCheck<T> = { ok: true; value: T } | { ok: false; problem: string };
