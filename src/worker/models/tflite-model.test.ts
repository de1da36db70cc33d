import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getGlobalLiteRt } from '@litertjs/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { customOperatorTflite, pixelSigmoidTflite } from './test-support/tflite-test-models.js';
import { tfliteModel } from './tflite-model.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tflite-model-'));
const modelFile = (name: string, bytes: Uint8Array) => {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
};
/** sigmoid(10 × (band 4 − band 3) + 1) of each pixel of 2 × 2, six bands. */
const twoByTwo = modelFile('two-by-two.tflite', pixelSigmoidTflite([0, 0, 0, -10, 10, 0], 1, [2, 2]));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** What the first load (of the runtime and a model) wrote to the console and stderr. */
const printed: unknown[][] = [];

beforeAll(async () => {
  const spies = [
    vi.spyOn(console, 'log').mockImplementation((...args) => void printed.push(args)),
    vi.spyOn(console, 'warn').mockImplementation((...args) => void printed.push(args)),
    vi.spyOn(console, 'error').mockImplementation((...args) => void printed.push(args)),
    vi.spyOn(process.stderr, 'write').mockImplementation((...args) => (printed.push(args), true)),
  ];
  try {
    await tfliteModel(twoByTwo);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
});

afterAll(() => {
  for (const name of ['self', 'importScripts', 'Module', 'ModuleFactory']) expect(Object.hasOwn(globalThis, name), name).toBe(false);
});

describe('a TensorFlow Lite model (LiteRT.js)', () => {
  it('loads without a word on the console, and leaves no browser globals behind', () => {
    expect(printed).toEqual([]);
  });

  it('answers each pixel of an image', async () => {
    const model = await tfliteModel(twoByTwo);
    expect(model.inputShape).toEqual([1, 2, 2, 6]);
    const pixels = [
      [0, 0, 0, 0, 1, 0], // 10 + 1
      [0, 0, 0, 1, 0, 0], // −10 + 1
      [0, 0, 0, 0, 0, 0], // 1
      [9, 9, 9, 0.8, 0.6, 9], // −2 + 1: the other bands weigh nothing
    ];
    const answer = await model.run(Float32Array.from(pixels.flat()), [1, 2, 2, 6]);
    expect(answer.dims).toEqual([1, 2, 2, 1]);
    [sigmoid(11), sigmoid(-9), sigmoid(1), sigmoid(-1)].forEach((expected, i) => expect(answer.data[i]).toBeCloseTo(expected, 6));
  });

  it('is loaded once a thread', () => {
    expect(tfliteModel(twoByTwo)).toBe(tfliteModel(twoByTwo));
  });

  it('frees each run’s tensors', async () => {
    const model = await tfliteModel(modelFile('crop.tflite', pixelSigmoidTflite([1, 2, 3], 0, [128, 128])));
    const image = new Float32Array(128 * 128 * 3).fill(0.5);
    const heap = () => getGlobalLiteRt().liteRtWasm.HEAPU8.length;
    await model.run(image, [1, 128, 128, 3]);
    const before = heap();
    // 200 runs of 192 KiB in and 64 KiB out: 50 MiB, for which the heap would grow if they were kept.
    for (let i = 0; i < 200; i++) await model.run(image, [1, 128, 128, 3]);
    expect(heap()).toBe(before);
  });

  it('refuses input of another shape, a file that is not a model, and an operator LiteRT lacks, naming the file', async () => {
    const model = await tfliteModel(twoByTwo);
    await expect(model.run(new Float32Array(3 * 3 * 6), [1, 3, 3, 6])).rejects.toThrow(/two-by-two\.tflite failed on input of shape \[1, 3, 3, 6\]: .*Float32\[1, 2, 2, 6\]/);

    const text = modelFile('text.tflite', new TextEncoder().encode('not a model'));
    await expect(tfliteModel(text)).rejects.toThrow(/text\.tflite cannot be loaded by LiteRT: /);

    const custom = await tfliteModel(modelFile('custom.tflite', customOperatorTflite('NoSuchOp', [1, 4])));
    await expect(custom.run(new Float32Array(4), [1, 4])).rejects.toThrow(/custom\.tflite cannot be run by LiteRT: Encountered unresolved custom op: NoSuchOp\.$/);
    // The runtime is still of use after.
    expect((await model.run(new Float32Array(24), [1, 2, 2, 6])).data[0]).toBeCloseTo(sigmoid(1), 6);
  });
});
