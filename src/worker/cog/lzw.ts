/**
 * TIFF's LZW (Compression 5), as libtiff writes it: codes packed most significant bit first,
 * starting 9 bits wide; Clear (256) first, EndOfInformation (257) last, new strings from 258.
 * The width grows one code "early": the encoder widens as soon as it has assigned code
 * 2^width − 1, since the decoder, one string behind, widens when it assigns 2^width − 2.
 * Once code 4093 is assigned the table is full: Clear is written and the table starts again.
 */
const CLEAR = 256;
const END_OF_INFORMATION = 257;
const FIRST_FREE = 258;
const MIN_BITS = 9;
/** After assigning this code the encoder writes Clear (libtiff's CODE_MAX − 1). */
const TABLE_FULL = 4094;
/** Open-addressed table of (prefix code, byte) → code; under half full at most. */
const HASH_SIZE = 8192;

class CodeWriter {
  private out: Uint8Array;
  private length = 0;
  private bits = 0;
  private pending = 0;

  constructor(expected: number) {
    this.out = new Uint8Array(Math.max(64, expected));
  }

  put(code: number, width: number): void {
    this.pending = (this.pending << width) | code;
    this.bits += width;
    while (this.bits >= 8) {
      this.bits -= 8;
      this.byte((this.pending >>> this.bits) & 0xff);
    }
    this.pending &= (1 << this.bits) - 1;
  }

  finish(): Uint8Array {
    if (this.bits > 0) this.byte((this.pending << (8 - this.bits)) & 0xff);
    return this.out.slice(0, this.length);
  }

  private byte(value: number): void {
    if (this.length === this.out.length) {
      const grown = new Uint8Array(this.out.length * 2);
      grown.set(this.out);
      this.out = grown;
    }
    this.out[this.length++] = value;
  }
}

export function lzwEncode(input: Uint8Array): Uint8Array {
  const writer = new CodeWriter(input.length >> 1);
  const keys = new Int32Array(HASH_SIZE);
  const codes = new Uint16Array(HASH_SIZE);
  let width = MIN_BITS;
  let free = FIRST_FREE;
  writer.put(CLEAR, width);
  if (input.length === 0) {
    writer.put(END_OF_INFORMATION, width);
    return writer.finish();
  }
  /** After a code is written, a string is assigned: widen, or start the table again when full. */
  const assigned = (): void => {
    free++;
    if (free === TABLE_FULL) {
      writer.put(CLEAR, width);
      keys.fill(0);
      free = FIRST_FREE;
      width = MIN_BITS;
    } else if (free > (1 << width) - 1) {
      width++;
    }
  };
  let prefix = input[0]!;
  for (let i = 1; i < input.length; i++) {
    const next = input[i]!;
    // Keys are stored plus one, so that 0 marks an empty slot.
    const key = ((prefix << 8) | next) + 1;
    let slot = (Math.imul(key, 0x9e3779b1) >>> 19) & (HASH_SIZE - 1);
    while (keys[slot] !== 0 && keys[slot] !== key) slot = (slot + 1) & (HASH_SIZE - 1);
    if (keys[slot] === key) {
      prefix = codes[slot]!;
      continue;
    }
    writer.put(prefix, width);
    keys[slot] = key;
    codes[slot] = free;
    assigned();
    prefix = next;
  }
  writer.put(prefix, width);
  assigned();
  writer.put(END_OF_INFORMATION, width);
  return writer.finish();
}
