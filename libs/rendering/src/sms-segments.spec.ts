import { measureSms } from './sms-segments';

describe('measureSms', () => {
  it('fits 160 GSM-7 characters in one SMS and splits 161 into two parts of at most 153', () => {
    expect(measureSms('a'.repeat(160))).toEqual({
      encoding: 'GSM-7',
      units: 160,
      segments: 1,
      characters: 160,
    });
    expect(measureSms('a'.repeat(161))).toEqual({
      encoding: 'GSM-7',
      units: 161,
      segments: 2,
      characters: 161,
    });
    expect(measureSms('a'.repeat(306)).segments).toBe(2);
    expect(measureSms('a'.repeat(307)).segments).toBe(3);
  });

  it('counts the extension characters as two septets each', () => {
    expect(measureSms('€[]{}~^\\|\f')).toEqual({ encoding: 'GSM-7', units: 20, segments: 1, characters: 10 });
    expect(measureSms(`${'a'.repeat(158)}€`)).toMatchObject({ units: 160, segments: 1 });
    expect(measureSms(`${'a'.repeat(159)}€`)).toMatchObject({ units: 161, segments: 2 });
  });

  it('keeps the whole GSM 03.38 basic table in GSM-7, accents and Greek capitals included', () => {
    const basic =
      '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
      '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

    expect(measureSms(basic)).toEqual({ encoding: 'GSM-7', units: 127, segments: 1, characters: 127 });
  });

  it('never splits an escape pair: a € at a part boundary moves to the next part', () => {
    // 152 + 2 would be 154 > 153, so the first part ends one septet short.
    const text = `${'a'.repeat(152)}€${'a'.repeat(152)}`;

    expect(measureSms(text)).toEqual({ encoding: 'GSM-7', units: 306, segments: 3, characters: 305 });
    expect(measureSms(`${'a'.repeat(151)}€${'a'.repeat(153)}`).segments).toBe(2);
  });

  it('switches the whole text to UCS-2 for one character outside the GSM alphabet', () => {
    expect(measureSms('Привет')).toEqual({ encoding: 'UCS-2', units: 6, segments: 1, characters: 6 });
    expect(measureSms(`${'a'.repeat(100)}ç`)).toEqual({
      encoding: 'UCS-2',
      units: 101,
      segments: 2,
      characters: 101,
    });
  });

  it('fits 70 UCS-2 characters in one SMS and splits 71 into two parts of at most 67', () => {
    expect(measureSms('ж'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1, characters: 70 });
    expect(measureSms('ж'.repeat(71))).toEqual({ encoding: 'UCS-2', units: 71, segments: 2, characters: 71 });
    expect(measureSms('ж'.repeat(134)).segments).toBe(2);
    expect(measureSms('ж'.repeat(135)).segments).toBe(3);
  });

  it('counts an emoji as one character but two UTF-16 units, never split across parts', () => {
    expect(measureSms('Shipped 📦')).toEqual({ encoding: 'UCS-2', units: 10, segments: 1, characters: 9 });
    expect(measureSms(`${'ж'.repeat(66)}😀${'ж'.repeat(66)}`)).toEqual({
      encoding: 'UCS-2',
      units: 134,
      segments: 3,
      characters: 133,
    });
  });

  it('measures an empty text as no SMS at all', () => {
    expect(measureSms('')).toEqual({ encoding: 'GSM-7', units: 0, segments: 0, characters: 0 });
  });

  it('refuses something that is not a string, naming the argument', () => {
    expect(() => measureSms(42 as unknown as string)).toThrow('text must be a string, got number');
  });
});
