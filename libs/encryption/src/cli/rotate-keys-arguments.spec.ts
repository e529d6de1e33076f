import { DEFAULT_BATCH_SIZE, parseRotateKeysArguments, RotateKeysUsageError } from './rotate-keys-arguments';

describe('parseRotateKeysArguments', () => {
  it('rotates in batches of the default size unless told otherwise, or only counts on a dry run', () => {
    expect(parseRotateKeysArguments([])).toEqual({
      help: false,
      batchSize: DEFAULT_BATCH_SIZE,
      dryRun: false,
    });
    expect(parseRotateKeysArguments(['--batch-size', '50'])).toEqual({
      help: false,
      batchSize: 50,
      dryRun: false,
    });
    expect(parseRotateKeysArguments(['--batch-size=10000', '--dry-run'])).toEqual({
      help: false,
      batchSize: 10_000,
      dryRun: true,
    });
    expect(parseRotateKeysArguments(['--help'])).toEqual({ help: true });
    expect(parseRotateKeysArguments(['-h', '--batch-size', 'nonsense'])).toEqual({ help: true });
  });

  it.each(['0', '-5', '10001', '2.5', '1e3', '0x10', ' 5', 'many', ''])(
    'refuses --batch-size %p, naming the option',
    (size) => {
      // With '=': a spaced '-5' is refused earlier, by the option parser, as a missing value.
      expect(() => parseRotateKeysArguments([`--batch-size=${size}`])).toThrow(
        /--batch-size must be a whole number from 1 to 10000/,
      );
    },
  );

  it('refuses unknown options, positionals and a --batch-size without a value', () => {
    expect(() => parseRotateKeysArguments(['--batch-size'])).toThrow(RotateKeysUsageError);
    expect(() => parseRotateKeysArguments(['--batch-size'])).toThrow(/batch-size/);
    expect(() => parseRotateKeysArguments(['--force'])).toThrow(/force/);
    expect(() => parseRotateKeysArguments(['now'])).toThrow(RotateKeysUsageError);
  });
});
