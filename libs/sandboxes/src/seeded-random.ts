/**
 * mulberry32: a small deterministic generator, so that a fault plan with a given seed fails the
 * same calls on every run. Returns numbers in [0, 1). (The delivery lib has the same generator;
 * its tests use this lib, so this lib cannot import it back.)
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
