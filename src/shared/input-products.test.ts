import { describe, expect, it } from 'vitest';
import { parseInputProducts, productGroupText } from './input-products.js';

const texts = (value: string | string[]) => parseInputProducts(value).map(productGroupText);

describe('input products', () => {
  it('reads odc-stats’ unions (-) and fusions (+), ignoring separators at the ends and taking a run by its first character', () => {
    // The strings of odc-stats' tests/test_save_tasks.py.
    expect(texts('-+-ga_ls8c_ard_3-+++-ga_ls7e_ard_3+-+-')).toEqual(['ga_ls8c_ard_3', 'ga_ls7e_ard_3']);
    expect(texts('+-+ga_ls8c_ard_3+---++ga_ls7e_ard_3-+-+')).toEqual(['ga_ls8c_ard_3+ga_ls7e_ard_3']);
    expect(
      texts('--+++s3://dea-public-data/derivative/ga_ls_fc_pc_cyear_3/3-0-0/+--+s3://dea-public-data/derivative/ga_ls_tc_pc_cyear_3/1-0-0/+++ga_ls_wo_fq_cyear_3+---ga_ls_fc_pc_cyear+-++'),
    ).toEqual(['s3://dea-public-data/derivative/ga_ls_fc_pc_cyear_3/3-0-0/+s3://dea-public-data/derivative/ga_ls_tc_pc_cyear_3/1-0-0/+ga_ls_wo_fq_cyear_3+ga_ls_fc_pc_cyear']);
    expect(
      texts('+++ga_ls_wo_fq_cyear_3----ga_ls_fc_pc_cyear---+s3://dea-public-data/derivative/ga_ls_tc_pc_cyear_3/1-0-0/--+++s3://dea-public-data/derivative/ga_ls_fc_pc_cyear_3/3-0-0/-+++'),
    ).toEqual(['ga_ls_wo_fq_cyear_3', 'ga_ls_fc_pc_cyear', 's3://dea-public-data/derivative/ga_ls_tc_pc_cyear_3/1-0-0/', 's3://dea-public-data/derivative/ga_ls_fc_pc_cyear_3/3-0-0/']);
  });

  it('ends a location at a separator after a slash or before another location, and gives it a trailing slash', () => {
    // DEA's land cover config: a prefix without its slash before the next one.
    const [group] = parseInputProducts('ga_ls_fc_pc_cyear_3+s3://dea-public-data-dev/derivative/ga_ls_landcover_vwf_cyear_3/2-0-0+s3://dea-public-data-dev/derivative/ga_ls_landcover_woody_cyear_3/2-0-0/');
    expect(group).toEqual([
      { kind: 'collection', name: 'ga_ls_fc_pc_cyear_3' },
      { kind: 'location', name: 's3://dea-public-data-dev/derivative/ga_ls_landcover_vwf_cyear_3/2-0-0/' },
      { kind: 'location', name: 's3://dea-public-data-dev/derivative/ga_ls_landcover_woody_cyear_3/2-0-0/' },
    ]);
    expect(parseInputProducts('./out/ga_ls_wo_summary/1-6-1')).toEqual([[{ kind: 'location', name: './out/ga_ls_wo_summary/1-6-1/' }]]);
    expect(texts('out/ga_fc_pc-ga_tc_pc/+ga_ls_wo_3')).toEqual(['out/ga_fc_pc-ga_tc_pc/+ga_ls_wo_3']);
    expect(texts('ga_ls_fc_3-out/x_y/')).toEqual(['ga_ls_fc_3', 'out/x_y/']);
    expect(parseInputProducts('file:///data/wo-summary/+ga_ls_wo_3')).toEqual([
      [
        { kind: 'location', name: 'file:///data/wo-summary/' },
        { kind: 'collection', name: 'ga_ls_wo_3' },
      ],
    ]);
  });

  it('keeps STAC collection ids with hyphens whole: a lone - separates only names that both hold an underscore', () => {
    expect(texts('sentinel-2-l2a')).toEqual(['sentinel-2-l2a']);
    expect(texts('landsat-c2-l2+io-lulc')).toEqual(['landsat-c2-l2+io-lulc']);
    expect(texts('ls8_sr-ls9_sr')).toEqual(['ls8_sr', 'ls9_sr']);
  });

  it('joins a union with commas or a list, each part of which may be fused', () => {
    expect(texts('s2_l2a, sentinel-2-l2a')).toEqual(['s2_l2a', 'sentinel-2-l2a']);
    expect(texts(['ga_ls_fc_3+ga_ls_wo_3', 'ga_ls8c_ard_3'])).toEqual(['ga_ls_fc_3+ga_ls_wo_3', 'ga_ls8c_ard_3']);
    // What it writes reads back the same.
    const groups = parseInputProducts('ga_ls_fc_3+ga_ls_wo_3,s3://b/x-y/+ga_ls_8,a_b-c_d');
    expect(parseInputProducts(groups.map(productGroupText))).toEqual(groups);
    expect(texts(' , ')).toEqual([]);
  });

  it('refuses in one line a string that mixes fusion and union, and a product fused with itself', () => {
    expect(() => parseInputProducts('ga_ls8c_ard_3-ga_ls7e_ard_3+ga_ls_fc_3')).toThrow(
      "input products 'ga_ls8c_ard_3-ga_ls7e_ard_3+ga_ls_fc_3' mix '+' (fuse) and '-' (union)",
    );
    expect(() => parseInputProducts('ga_ls_wo_3+ga_ls_wo_3')).toThrow("input products 'ga_ls_wo_3+ga_ls_wo_3' fuse 'ga_ls_wo_3' with itself");
  });
});
