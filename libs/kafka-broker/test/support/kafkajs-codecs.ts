import { allCodecs, type CompressingCodecName } from '@switchboard/kafka-codecs';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';

// kafkajs reads only gzip by itself. The platform's consumers get the others from kafka-codecs
// (libs/messaging installs them, with more); the broker's tests take the same codecs directly,
// since messaging's tests start this broker and the projects must not depend on each other.
const KAFKAJS_TYPES: Record<CompressingCodecName, CompressionTypes> = {
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

export function installKafkajsCodecs(): void {
  for (const codec of allCodecs()) {
    (CompressionCodecs as Record<number, () => unknown>)[KAFKAJS_TYPES[codec.name]] = () => ({
      compress: (encoder: { buffer: Buffer }) => codec.compress(encoder.buffer),
      decompress: (buffer: Buffer) => codec.decompress(buffer),
    });
  }
}
