import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../shared/run-config.js';
import { motoForTests } from '../test-support/moto-for-tests.js';
import { withLocalPluginFiles } from './plugin-files.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'plugin-files-'));
const folder = path.join(dir, 'copies');

/** A ZIP (Python's zipfile) of `members`, name → text. */
function zipOf(name: string, members: Record<string, string>): string {
  const file = path.join(dir, name);
  const script = "import json, sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n    for k, v in json.loads(sys.argv[2]).items(): z.writestr(k, v)";
  execFileSync('python3', ['-c', script, file, JSON.stringify(members)]);
  return file;
}

const configWith = (pluginConfig: Record<string, unknown>) => ({ ...parseRunConfig('plugin: mangroves\n', 'test'), plugin_config: pluginConfig });

describe('a plugin’s files named through /vsizip/', () => {
  it('names the archive’s one layer, or the member after the .zip, by its extracted path', async () => {
    const zip = zipOf('one.zip', { 'mask/urban.shp': 'shp', 'mask/urban.dbf': 'dbf', 'README.txt': 'r' });
    const local = await withLocalPluginFiles(configWith({ urban_mask: `/vsizip/${zip}`, pv_thresholds: [14] }), { folder });
    const shp = String(local.plugin_config['urban_mask']);
    expect(readFileSync(shp, 'utf8')).toBe('shp');
    expect(readFileSync(shp.replace(/\.shp$/, '.dbf'), 'utf8')).toBe('dbf');
    expect(local.plugin_config['pv_thresholds']).toEqual([14]);
    const named = await withLocalPluginFiles(configWith({ urban_mask: `/vsizip/${zip}/README.txt` }), { folder });
    expect(readFileSync(String(named.plugin_config['urban_mask']), 'utf8')).toBe('r');
  });

  it('refuses in one line an archive of several layers, a member it lacks, and a missing archive', async () => {
    const zip = zipOf('two.zip', { 'a.shp': '1', 'b.geojson': '2' });
    await expect(withLocalPluginFiles(configWith({ urban_mask: `/vsizip/${zip}` }), { folder })).rejects.toThrow(
      /^plugin_config urban_mask: the archive holds 2 layers \(a\.shp, b\.geojson\): name one after the \.zip/,
    );
    await expect(withLocalPluginFiles(configWith({ urban_mask: `/vsizip/${zip}/c.shp` }), { folder })).rejects.toThrow(`plugin_config urban_mask: the archive ${zip} has no c.shp`);
    await expect(withLocalPluginFiles(configWith({ mangroves_extent: `/vsizip/${dir}/none.zip` }), { folder })).rejects.toThrow(`plugin_config mangroves_extent: ${dir}/none.zip is not found`);
  });

  it('leaves a config without such names as it is', async () => {
    writeFileSync(path.join(dir, 'extent.geojson'), '{}');
    const config = configWith({ mangroves_extent: path.join(dir, 'extent.geojson') });
    expect(await withLocalPluginFiles(config, { folder })).toBe(config);
  });
});

describe('a plugin’s files on S3', () => {
  motoForTests();

  it('copies a shapefile with the sidecars it has, and names a missing object as a missing file', async () => {
    const s3 = new S3Client({});
    await s3.send(new CreateBucketCommand({ Bucket: 'aux' }));
    for (const [key, body] of [['mask/urban.shp', 'shp'], ['mask/urban.dbf', 'dbf']]) await s3.send(new PutObjectCommand({ Bucket: 'aux', Key: key!, Body: body }));
    const local = await withLocalPluginFiles(configWith({ urban_mask: '/vsis3/aux/mask/urban.shp' }), { folder });
    const shp = String(local.plugin_config['urban_mask']);
    expect(readFileSync(shp, 'utf8')).toBe('shp');
    expect(readFileSync(shp.replace(/\.shp$/, '.dbf'), 'utf8')).toBe('dbf');
    await expect(withLocalPluginFiles(configWith({ class_def_path: 's3://aux/none.csv' }), { folder })).rejects.toThrow(/^plugin_config class_def_path: file not found: s3:\/\/aux\/none\.csv$/);
  });
});
