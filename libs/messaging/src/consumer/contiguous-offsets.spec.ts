import { ContiguousOffsets } from './contiguous-offsets';

describe('ContiguousOffsets', () => {
  it('has nothing to commit until the first offset is finished', () => {
    const offsets = new ContiguousOffsets(['10', '11', '12']);
    expect(offsets.markFinished('11')).toBeUndefined();
    expect(offsets.highestContiguous).toBeUndefined();
  });

  it('moves to the highest offset with no unfinished one before it', () => {
    const offsets = new ContiguousOffsets(['10', '11', '12', '13']);
    offsets.markFinished('12');
    expect(offsets.markFinished('10')).toBe('10');
    expect(offsets.markFinished('11')).toBe('12');
    expect(offsets.highestContiguous).toBe('12');
    offsets.markFinished('13');
    expect(offsets.highestContiguous).toBe('13');
  });

  it('follows the batch order across gaps in the offset numbers', () => {
    const offsets = new ContiguousOffsets(['5', '9', '20']);
    offsets.markFinished('5');
    offsets.markFinished('9');
    expect(offsets.highestContiguous).toBe('9');
  });

  it('compares offsets beyond the safe integer range exactly', () => {
    const offsets = new ContiguousOffsets(['9007199254740993', '9007199254740994']);
    offsets.markFinished('9007199254740993');
    expect(offsets.highestContiguous).toBe('9007199254740993');
  });

  it('ignores a second report of the same offset', () => {
    const offsets = new ContiguousOffsets(['1', '2']);
    expect(offsets.markFinished('1')).toBe('1');
    expect(offsets.markFinished('1')).toBeUndefined();
    expect(offsets.highestContiguous).toBe('1');
  });

  it('refuses an offset that is not in the batch', () => {
    expect(() => new ContiguousOffsets(['1']).markFinished('2')).toThrow('offset 2 is not in this batch');
  });

  it('names the offsets finished beyond the first unfinished one', () => {
    const offsets = new ContiguousOffsets(['10', '11', '12', '13', '14']);
    offsets.markFinished('10');
    offsets.markFinished('12');
    offsets.markFinished('14');
    expect(offsets.finishedBeyondGap).toEqual(['12', '14']);
    offsets.markFinished('11');
    expect(offsets.finishedBeyondGap).toEqual(['14']);
  });
});
