import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ICNS_TYPES } from './icon-containers.js';
import { FAVICON_SIZES, LINUX_SIZES, linuxIconPath, MACOS_SIZES, renderIconSet, WINDOWS_SIZES } from './icon-set.js';

const assets = new URL('../../assets/', import.meta.url);
const read = (file: string) => readFile(new URL(file, assets));

/** Width and height from a PNG's IHDR chunk, after the signature; throws on anything else. */
function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.toString('ascii', 12, 16)).toBe('IHDR');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

/** The entries of an ICO file, read field by field: the claimed size, and the size of the PNG each points at. */
function icoEntries(ico: Buffer): Array<{ claimed: number; png: [number, number] }> {
  expect(ico.readUInt16LE(0)).toBe(0); // reserved
  expect(ico.readUInt16LE(2)).toBe(1); // 1 = icon
  const count = ico.readUInt16LE(4);
  return Array.from({ length: count }, (_, i) => {
    const entry = 6 + 16 * i;
    expect(ico.readUInt8(entry)).toBe(ico.readUInt8(entry + 1));
    const length = ico.readUInt32LE(entry + 8);
    const offset = ico.readUInt32LE(entry + 12);
    return { claimed: ico.readUInt8(entry) || 256, png: pngSize(ico.subarray(offset, offset + length)) };
  });
}

describe('the icons', () => {
  it('are up to date with assets/icon.svg (npm run build:icons writes them)', async () => {
    for (const { path, data } of renderIconSet(await readFile(new URL('icon.svg', assets), 'utf8'))) {
      expect((await read(path)).equals(data), `assets/${path} is out of date: run npm run build:icons`).toBe(true);
    }
  });

  it('include the PNG set of Linux, each of the size its name says', async () => {
    for (const size of LINUX_SIZES) expect(pngSize(await read(linuxIconPath(size)))).toEqual([size, size]);
  });

  it('include an ICO for Windows and one for the favicon, each entry of the size it claims', async () => {
    for (const [file, sizes] of [['icon.ico', WINDOWS_SIZES], ['favicon.ico', FAVICON_SIZES]] as const) {
      expect(icoEntries(await read(file))).toEqual(sizes.map((size) => ({ claimed: size, png: [size, size] })));
    }
  });

  it('include an ICNS for macOS up to 1024 px', async () => {
    const icns = await read('icon.icns');
    expect(icns.toString('ascii', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const elements: Array<[string, [number, number]]> = [];
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) {
      elements.push([icns.toString('ascii', at, at + 4), pngSize(icns.subarray(at + 8, at + icns.readUInt32BE(at + 4)))]);
    }
    expect(elements).toEqual(MACOS_SIZES.map((size) => [ICNS_TYPES[size], [size, size]]));
  });
});
