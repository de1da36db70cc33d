/**
 * Every icon the app ships, rendered from one SVG: the PNG set of Linux, macOS's ICNS, Windows'
 * ICO, and the web host's favicon. Paths are relative to assets/.
 */
import { Resvg } from '@resvg/resvg-js';
import { icnsFile, icoFile, type SizedPng } from './icon-containers.js';

export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
export const MACOS_SIZES = [16, 32, 64, 128, 256, 512, 1024];
/** Windows wants 256 px for its large views; electron-builder refuses less. */
export const WINDOWS_SIZES = [16, 24, 32, 48, 64, 256];
export const FAVICON_SIZES = [16, 32, 48];

export const linuxIconPath = (size: number) => `icons/${size}x${size}.png`;

interface IconFile {
  path: string;
  data: Buffer;
}

export function renderIconSet(svg: string): IconFile[] {
  const pngs = new Map<number, Buffer>();
  const png = (size: number): SizedPng => {
    if (!pngs.has(size)) pngs.set(size, Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng()));
    return { size, png: pngs.get(size)! };
  };
  return [
    ...LINUX_SIZES.map((size) => ({ path: linuxIconPath(size), data: png(size).png })),
    { path: 'icon.icns', data: icnsFile(MACOS_SIZES.map(png)) },
    { path: 'icon.ico', data: icoFile(WINDOWS_SIZES.map(png)) },
    { path: 'favicon.ico', data: icoFile(FAVICON_SIZES.map(png)) },
  ];
}
