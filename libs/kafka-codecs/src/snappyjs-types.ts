// snappyjs ships no types; these are the two functions it exports (raw snappy blocks).
declare module 'snappyjs' {
  export function compress(uncompressed: Uint8Array): Uint8Array;
  /** Throws when the block would uncompress to more than maxLength bytes. */
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
}
