export {
  allCodecs,
  checkCodecs,
  CODEC_IDS,
  CODEC_NAMES,
  codecById,
  codecByName,
  CodecError,
  MAX_DECOMPRESSED_BYTES,
  type Codec,
  type CodecName,
  type CompressingCodecName,
} from './codecs';
