// Kafka's Java client writes snappy in the "xerial" framing of snappy-java's SnappyOutputStream:
// a 16-byte header (magic, version, compatible version) and then blocks, each a 4-byte big-endian
// length and a raw snappy block. librdkafka and kafka-python read both that and a bare raw block,
// and so do we; we write the framed form, which every client reads.

export const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_LENGTH = 16;
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
// snappy-java's default block size: a framed stream is a run of blocks of at most this many bytes.
const XERIAL_BLOCK_SIZE = 32 * 1024;

export interface RawSnappy {
  compress(block: Buffer): Buffer;
  uncompress(block: Buffer): Buffer;
}

export function isXerialFramed(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_LENGTH && data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

export function decompressSnappy(data: Buffer, raw: RawSnappy): Buffer {
  if (!isXerialFramed(data)) return raw.uncompress(data);
  const blocks: Buffer[] = [];
  let position = XERIAL_HEADER_LENGTH;
  while (position < data.length) {
    if (position + 4 > data.length) throw new Error('snappy: a framed block length is cut short');
    const length = data.readInt32BE(position);
    position += 4;
    if (length < 0 || position + length > data.length) {
      throw new Error(`snappy: a framed block of ${length} bytes runs past the end of the data`);
    }
    blocks.push(raw.uncompress(data.subarray(position, position + length)));
    position += length;
  }
  return Buffer.concat(blocks);
}

export function compressSnappy(data: Buffer, raw: RawSnappy): Buffer {
  const header = Buffer.alloc(XERIAL_HEADER_LENGTH);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(XERIAL_VERSION, 8);
  header.writeInt32BE(XERIAL_COMPATIBLE_VERSION, 12);
  const parts: Buffer[] = [header];
  for (let start = 0; start < data.length || start === 0; start += XERIAL_BLOCK_SIZE) {
    const block = raw.compress(data.subarray(start, start + XERIAL_BLOCK_SIZE));
    const length = Buffer.alloc(4);
    length.writeInt32BE(block.length, 0);
    parts.push(length, block);
    if (data.length === 0) break;
  }
  return Buffer.concat(parts);
}
