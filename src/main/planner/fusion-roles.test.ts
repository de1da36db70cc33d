import { describe, expect, it } from 'vitest';
import { parseInputProducts } from '../../shared/input-products.js';
import { fusionRoles } from './fusion-roles.js';

const DEV = 's3://dea-public-data-dev/derivative';

describe('ignore_time and optional_products against the fused groups', () => {
  it('reads DEA’s land-cover inter-class config: two timeless locations, the mangrove collection named by a location of its', () => {
    const products = parseInputProducts(
      `ga_ls8cls9c_gm_cyear_3+ga_ls_wo_fq_cyear_3+${DEV}/ga_ls_landcover_vwf_cyear_3/2-0-0/+ga_ls_mangrove_cover_cyear_3+${DEV}/srtm_landcover_dem/2-0-0/+${DEV}/ga_ls_landcover_nidem_myear_2/2-0-0/`,
    );
    const roles = fusionRoles(
      products,
      [`${DEV}/srtm_landcover_dem/2-0-0/`, `${DEV}/ga_ls_landcover_nidem_myear_2/2-0-0/`],
      [`${DEV}/ga_ls_mangrove_cover_cyear_3/4-0-0/`, `${DEV}/ga_ls_landcover_nidem_myear_2/2-0-0/`],
    );
    expect([...roles.timeless]).toEqual([`${DEV}/srtm_landcover_dem/2-0-0/`, `${DEV}/ga_ls_landcover_nidem_myear_2/2-0-0/`]);
    expect([...roles.optional]).toEqual(['ga_ls_mangrove_cover_cyear_3', `${DEV}/ga_ls_landcover_nidem_myear_2/2-0-0/`]);
  });

  it('names a location without its final slash as the same product, and refuses a group left without time or without a required product', () => {
    expect([...fusionRoles(parseInputProducts('a_b+s3://x/dem/'), ['s3://x/dem']).timeless]).toEqual(['s3://x/dem/']);
    expect(() => fusionRoles(parseInputProducts('a_b+c_d'), ['a_b', 'c_d'])).toThrow("every product of the fused group 'a_b+c_d' is in ignore_time: at least one must have a time");
    expect(() => fusionRoles(parseInputProducts('a_b+c_d'), [], ['a_b', 'c_d'])).toThrow("every product of the fused group 'a_b+c_d' is optional: at least one must be required");
    expect(() => fusionRoles(parseInputProducts('a_b+c_d'), ['a_b-c_d'])).toThrow("ignore_time 'a_b-c_d' must name one product");
  });
});
