import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractZip } from './zip-archive.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'zip-archive-'));

/** A ZIP written by Python's zipfile, as tools of the field write them: `members` name → [text, deflated?]. */
function pythonZip(name: string, members: Record<string, [string, boolean]>): string {
  const file = path.join(dir, name);
  const script = [
    'import json, sys, zipfile',
    'members = json.loads(sys.argv[2])',
    "with zipfile.ZipFile(sys.argv[1], 'w') as z:",
    "    z.writestr(zipfile.ZipInfo('layers/'), '')",
    '    for member, (text, deflated) in members.items():',
    '        z.writestr(member, text, compress_type=zipfile.ZIP_DEFLATED if deflated else zipfile.ZIP_STORED)',
  ].join('\n');
  execFileSync('python3', ['-c', script, file, JSON.stringify(members)]);
  return file;
}

describe('extractZip', () => {
  it('writes stored and deflated members below the folder, keeping their folders', async () => {
    const long = 'GCC_NAME21 '.repeat(500);
    const zip = pythonZip('two.zip', { 'layers/urban.shp': ['shapes', false], 'layers/urban.dbf': [long, true] });
    const out = path.join(dir, 'two');
    expect((await extractZip(zip, out)).sort()).toEqual([path.join('layers', 'urban.dbf'), path.join('layers', 'urban.shp')]);
    expect(readFileSync(path.join(out, 'layers', 'urban.shp'), 'utf8')).toBe('shapes');
    expect(readFileSync(path.join(out, 'layers', 'urban.dbf'), 'utf8')).toBe(long);
  });

  it('refuses a member that would land outside the folder, and a file that is no archive', async () => {
    const zip = pythonZip('escape.zip', { '../escape.txt': ['x', false] });
    await expect(extractZip(zip, path.join(dir, 'escape'))).rejects.toThrow(/escape\.zip is not a ZIP archive this program reads: \.\.\/escape\.txt lies outside the archive's folder/);
    const notZip = path.join(dir, 'not.zip');
    writeFileSync(notZip, 'plain text');
    await expect(extractZip(notZip, path.join(dir, 'not'))).rejects.toThrow(/not\.zip is not a ZIP archive this program reads: no end of central directory/);
  });
});
