import { randomBytes } from 'node:crypto';
import { crc32c } from './crc32c';

// Bit by bit: slow and obviously right.
function reference(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  it('matches the published check value for "123456789"', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('matches the bitwise reference at every alignment and length around the 16-byte stride', () => {
    const backing = randomBytes(4096);
    for (let offset = 0; offset < 8; offset++) {
      for (const length of [0, 1, 3, 15, 16, 17, 31, 33, 100, 1000, 4000]) {
        const view = backing.subarray(offset, offset + length);
        expect(crc32c(view)).toBe(reference(view));
      }
    }
  });

  it('checks only the given range of a buffer', () => {
    const data = randomBytes(300);
    expect(crc32c(data, 21, 277)).toBe(reference(data.subarray(21, 277)));
  });
});
