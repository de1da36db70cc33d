/**
 * Screenshots compared with reference images committed in e2e/reference-images/, as the render
 * tests of map libraries do: a screenshot fails when more than a small share of its pixels
 * differ from the reference's beyond a colour threshold (pixelmatch, which also forgives
 * anti-aliased edges), so that an unintended visual change fails the suite while the slight
 * rendering differences of SwiftShader between runs do not. On failure the screenshot and a
 * picture of the differing pixels land in test-results/e2e/screenshot-diffs/.
 *
 * With UPDATE_REFERENCE_IMAGES=1 a missing reference is written, and so is one the screenshot
 * no longer matches: review the new images before committing them.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { decode, encode } from 'fast-png';
import pixelmatch from 'pixelmatch';
import type { Locator, Page } from 'playwright-core';
import { ROOT } from './paths.js';

const REFERENCE_IMAGES = path.join(ROOT, 'e2e', 'reference-images');
const DIFFS = path.join(ROOT, 'test-results', 'e2e', 'screenshot-diffs');
const UPDATE_COMMAND = 'UPDATE_REFERENCE_IMAGES=1 npm run e2e';

export interface ScreenshotComparison {
  /** Elements painted over in a flat colour before the comparison: what is not the same from run to run. */
  mask?: Locator[];
  /** The share of pixels that may differ (0.001: a thousandth, some 850 pixels of the map at 980×870). */
  maxDiffShare?: number;
  /** How far apart two pixels' colours may be and still match, 0–1 (pixelmatch's threshold). */
  threshold?: number;
}

/** Fails when a screenshot of `target` differs from e2e/reference-images/NAME.png by more than the tolerance. */
export async function expectScreenshotToMatch(target: Page | Locator, name: string, { mask = [], maxDiffShare = 0.001, threshold = 0.1 }: ScreenshotComparison = {}): Promise<void> {
  const actual = await target.screenshot({ mask, animations: 'disabled', caret: 'hide' });
  const referencePath = path.join(REFERENCE_IMAGES, `${name}.png`);
  const shown = path.relative(ROOT, referencePath);
  const update = process.env.UPDATE_REFERENCE_IMAGES === '1';
  if (!existsSync(referencePath)) {
    if (!update) throw new Error(`No reference image ${shown}: run ${UPDATE_COMMAND} to write it, then look at it before committing it.`);
    await writeFile(referencePath, actual);
    return;
  }
  const reference = await fs.readFile(referencePath);
  const difference = compareImages(reference, actual, threshold);
  if (difference.share <= maxDiffShare) return;
  if (update) {
    await writeFile(referencePath, actual);
    return;
  }
  await writeFile(path.join(DIFFS, `${name}-actual.png`), actual);
  if (difference.diff) await writeFile(path.join(DIFFS, `${name}-diff.png`), difference.diff);
  const what = difference.diff ? `${percent(difference.share)} of its pixels differ (tolerance ${percent(maxDiffShare)})` : difference.mismatch;
  throw new Error(`Screenshot ${name} does not match ${shown}: ${what}; see ${path.relative(ROOT, DIFFS)}/${name}-*.png, and if the change is intended run ${UPDATE_COMMAND}.`);
}

/** The share of the pixels of two PNG images that differ beyond `threshold`, with a PNG that shows them in red; a share of 1 for images of different sizes. */
function compareImages(expectedPng: Uint8Array, actualPng: Uint8Array, threshold = 0.1): { share: number; diff?: Uint8Array; mismatch?: string } {
  const expected = rgba(expectedPng);
  const actual = rgba(actualPng);
  if (expected.width !== actual.width || expected.height !== actual.height) {
    return { share: 1, mismatch: `it is ${actual.width}×${actual.height} pixels, the reference ${expected.width}×${expected.height}` };
  }
  const { width, height } = expected;
  const diff = new Uint8Array(width * height * 4);
  const differing = pixelmatch(expected.data, actual.data, diff, width, height, { threshold });
  return { share: differing / (width * height), diff: encode({ width, height, data: diff, channels: 4 }) };
}

/** A PNG's pixels as 8-bit RGBA, whatever its channels. */
function rgba(png: Uint8Array): { width: number; height: number; data: Uint8Array } {
  const { width, height, data, channels, depth } = decode(png);
  if (depth !== 8 || (channels !== 3 && channels !== 4)) throw new Error(`screenshots are 8-bit RGB or RGBA PNGs, this one has ${channels} channels of ${depth} bits`);
  if (channels === 4) return { width, height, data: Uint8Array.from(data) };
  const out = new Uint8Array(width * height * 4);
  for (let i = 0, o = 0; i < data.length; i += 3, o += 4) {
    out[o] = data[i]!;
    out[o + 1] = data[i + 1]!;
    out[o + 2] = data[i + 2]!;
    out[o + 3] = 255;
  }
  return { width, height, data: out };
}

async function writeFile(file: string, png: Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, png);
}

function percent(share: number): string {
  return `${(share * 100).toFixed(2)} %`;
}
