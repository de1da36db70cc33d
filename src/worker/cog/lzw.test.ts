import { describe, expect, it } from 'vitest';
import { lzwEncode } from './lzw.js';

/** Codes of the given widths packed most significant bit first, the last byte padded with zeros. */
function packed(codes: Array<[code: number, width: number]>): number[] {
  const bits = codes.map(([code, width]) => code.toString(2).padStart(width, '0')).join('');
  const padded = bits.padEnd(Math.ceil(bits.length / 8) * 8, '0');
  return Array.from({ length: padded.length / 8 }, (_, i) => parseInt(padded.slice(i * 8, i * 8 + 8), 2));
}

describe('lzwEncode (TIFF LZW)', () => {
  it('writes Clear, the codes of the strings met, and EndOfInformation, 9 bits each at first', () => {
    // 7 7 7 7: "7" (258 := 7 7), "7 7" (259 := 7 7 7), "7", then EOI.
    expect(Array.from(lzwEncode(Uint8Array.from([7, 7, 7, 7])))).toEqual(
      packed([
        [256, 9],
        [7, 9],
        [258, 9],
        [7, 9],
        [257, 9],
      ]),
    );
    expect(Array.from(lzwEncode(new Uint8Array(0)))).toEqual(packed([[256, 9], [257, 9]]));
  });

  it('widens codes to 10 bits once code 511 is assigned, one code before the decoder would need them', () => {
    // Bytes that never repeat a pair: each byte is written as its own code and assigns a new
    // one (258 on). The 254th code written assigns 511, so from the 255th on codes are 10 bits.
    const input = new Uint8Array(256);
    for (let i = 0; i < 256; i++) input[i] = i;
    const codes: Array<[number, number]> = [[256, 9]];
    for (let i = 0; i < 256; i++) codes.push([i, i < 254 ? 9 : 10]);
    // After the last code, 513 would be assigned; EOI in 10 bits.
    codes.push([257, 10]);
    expect(Array.from(lzwEncode(input))).toEqual(packed(codes));
  });
});
