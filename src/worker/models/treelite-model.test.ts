import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileTreeliteModel, HAS_GCC } from './test-support/treelite-test-models.js';
import { treeliteModel } from './treelite-model.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'treelite-model-'));
const NAN = Number.NaN;

describe.skipIf(!HAS_GCC)('a compiled treelite model (built with gcc)', () => {
  it.each(['woody-treelite', 'woody-tl2cgen'] as const)('answers one value a row, a missing feature taking its default branch (%s)', async (name) => {
    const model = await treeliteModel(compileTreeliteModel(name, dir));
    expect(model.inputShape).toEqual([-1, 6]);
    // Cover = (nir, feature 4, ≤ 2500 ? 10 : 60) + (swir_2, feature 0, ≤ 1000 ? 15 : 0).
    const rows = [
      [900, 500, 500, 500, 2000, 500], // 10 + 15
      [1100, 500, 500, 500, 2000, 500], // 10
      [NAN, 500, 500, 500, 2000, 500], // 10 + 0 (missing goes right)
      [900, 500, 500, 500, NAN, 500], // 60 + 15
      [1000, 500, 500, 500, 2500, 500], // at the thresholds, left: 10 + 15
    ];
    const answer = await model.run(Float32Array.from(rows.flat()), [rows.length, 6]);
    expect(answer.dims).toEqual([5, 1]);
    expect(Array.from(answer.data)).toEqual([25, 10, 10, 75, 25]);
  });

  it('answers each class a row from a multi-class model of float64 thresholds', async () => {
    const model = await treeliteModel(compileTreeliteModel('cultivated-treelite', dir));
    expect(model.inputShape).toEqual([-1, 15]);
    const row = (f5: number, f7: number, f9: number) => Array.from({ length: 15 }, (_, f) => (f === 5 ? f5 : f === 7 ? f7 : f === 9 ? f9 : 0));
    const rows = [
      row(0, 0, 0), // [0.2, 0.8] + [0, 0.2] + [0, 0]
      row(NAN, NAN, NAN), // missing: right, left (tree 2's default), right: [0.9, 0.1] + [0.7, 0] + [0, 2]
      row(0.06, 0.2, 0), // [0.9, 0.1] + [0, 0.2] + [0, 2]
    ];
    const expected = [
      [0.2, 1.0],
      [1.6, 2.1],
      [0.9, 2.3],
    ].flatMap(([a, b]) => [a! / 3, b! / 3]);
    const answer = await model.run(Float32Array.from(rows.flat()), [rows.length, 15]);
    expect(answer.dims).toEqual([3, 2]);
    Array.from(answer.data).forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 6));
  });

  it('is loaded once a thread', () => {
    const file = compileTreeliteModel('woody-treelite', mkdtempSync(path.join(dir, 'once-')));
    expect(treeliteModel(file)).toBe(treeliteModel(file));
  });

  it('refuses rows of another width, a file that is no library, and a library that is no treelite model', async () => {
    const model = await treeliteModel(compileTreeliteModel('woody-treelite', dir));
    await expect(model.run(new Float32Array(5), [1, 5])).rejects.toThrow(/woody-treelite\.so takes 6 features a row; it was given 5/);

    const text = path.join(dir, 'text.so');
    writeFileSync(text, 'not a library');
    await expect(treeliteModel(text)).rejects.toThrow(/text\.so cannot be loaded as a compiled treelite model: /);

    const source = path.join(dir, 'other.c');
    writeFileSync(source, 'int answer(void) { return 42; }\n');
    const other = path.join(dir, 'other.so');
    execFileSync('gcc', ['-shared', '-fPIC', '-o', other, source]);
    await expect(treeliteModel(other)).rejects.toThrow(/other\.so is not a model compiled by treelite 2\.x or 3\.x or tl2cgen: .*get_num_class/);
  });
});
