/**
 * Test material for lccs_level34: a class definition table in the layout of DEA's, with a rule
 * of each kind odc-stats' earlier level 4 modules coded by hand, and polygon files with
 * attributes for the urban mask.
 */
import { writeFileSync } from 'node:fs';

/**
 * The columns of DEA's table that its config's class_condition names, and a row a level 4
 * class: cultivated and natural terrestrial vegetation by lifeform (woody 113, herbaceous 114)
 * and cover (pv_pc_50), natural aquatic vegetation by water seasonality (frequency), artificial
 * surface, natural surface by bare gradation (bs_pc_50), water by persistence
 * (water_frequency, with a broader row after them for water of unknown persistence) and intertidal.
 */
export const CLASS_TABLE = [
  'level1,artificial_surface,cultivated,woody,frequency,water_frequency,pv_pc_50,bs_pc_50,level3,level4,description',
  '110,,111,113,,,"[65, 100]",,111,2,cultivated woody closed',
  '110,,111,113,,,"[40, 65)",,111,3,cultivated woody open',
  '110,,111,114,,,,,111,10,cultivated herbaceous',
  '110,,,113,,,"(15, 40)",,112,20,natural woody sparse',
  '110,,,114,,,>=65,,112,31,"natural herbaceous, closed"',
  '124,,,113,"(0.25, 1]",,,,124,57,aquatic woody semi-permanent',
  '124,,,113,"[0, 0.25]",,,,124,58,aquatic woody temporary',
  '210,215,,,,,,,215,93,artificial surface',
  '210,,,,,,,>60,216,94,bare',
  '210,,,,,,,"[20, 60]",216,95,bare sparsely vegetated',
  '210,,,,,,,<20,216,96,bare very sparsely vegetated',
  '220,,,,,"[1, 4)",,,220,99,water 1-3 months',
  '220,,,,,"[4, 7)",,,220,100,water 4-6 months',
  '220,,,,,>=7,,,220,101,water 7 months or more',
  '220,,,,,,,,220,98,water of unknown persistence',
  '223,,,,,,,,220,103,intertidal',
  '',
].join('\n');

/** DEA's class_condition and data_var_condition for CLASS_TABLE. */
export const CLASS_CONDITION = {
  level3: ['level1', 'artificial_surface', 'cultivated'],
  level4: ['level1', 'level3', 'woody', 'frequency', 'water_frequency', 'pv_pc_50', 'bs_pc_50'],
};
export const DATA_VAR_CONDITION = { level1: 'level_3_4' };

/** Urban polygons named as in DEA's shapefile (ABS statistical areas with their capital city name and km²). */
export interface AreaFeature {
  ring: Array<[number, number]>;
  name: string;
  area: number;
}

/** DEA's filter: metropolitan areas, and the rural ones under 63 km². */
export const URBAN_FILTER = "GCC_NAME21 LIKE '%Rest of%' AND AREASQKM21 < 63 OR GCC_NAME21 NOT LIKE '%Rest of%'";

/** `stem`.shp and `stem`.dbf (no .prj) of one polygon a feature, with fields GCC_NAME21 (text) and AREASQKM21 (numeric). */
export function writeAreaShapefile(stem: string, features: readonly AreaFeature[]): string {
  const records = features.map(({ ring }) => polygonRecord(ring));
  const length = 100 + records.reduce((sum, r) => sum + 8 + r.length, 0);
  const shp = Buffer.alloc(length);
  shp.writeInt32BE(9994, 0);
  shp.writeInt32BE(length / 2, 24);
  shp.writeInt32LE(1000, 28);
  shp.writeInt32LE(5, 32);
  let at = 100;
  records.forEach((content, i) => {
    shp.writeInt32BE(i + 1, at);
    shp.writeInt32BE(content.length / 2, at + 4);
    content.copy(shp, at + 8);
    at += 8 + content.length;
  });
  writeFileSync(`${stem}.shp`, shp);
  writeFileSync(`${stem}.dbf`, areaDbf(features));
  return `${stem}.shp`;
}

function polygonRecord(ring: ReadonlyArray<[number, number]>): Buffer {
  const b = Buffer.alloc(44 + 4 + 16 * ring.length);
  b.writeInt32LE(5, 0);
  b.writeInt32LE(1, 36);
  b.writeInt32LE(ring.length, 40);
  b.writeInt32LE(0, 44);
  ring.forEach(([x, y], k) => {
    b.writeDoubleLE(x, 48 + 16 * k);
    b.writeDoubleLE(y, 48 + 16 * k + 8);
  });
  return b;
}

/** A dBase III file, as its format lays it out: a header, 32-byte field descriptors, fixed-width records. */
function areaDbf(features: readonly AreaFeature[]): Buffer {
  const fields = [
    { name: 'GCC_NAME21', type: 'C', length: 40, decimals: 0 },
    { name: 'AREASQKM21', type: 'N', length: 12, decimals: 4 },
  ];
  const headerLength = 32 + 32 * fields.length + 1;
  const recordLength = 1 + fields.reduce((sum, f) => sum + f.length, 0);
  const b = Buffer.alloc(headerLength + recordLength * features.length + 1, 0x20);
  b.fill(0, 0, headerLength);
  b.writeUInt8(3, 0);
  b.writeUInt32LE(features.length, 4);
  b.writeUInt16LE(headerLength, 8);
  b.writeUInt16LE(recordLength, 10);
  fields.forEach((f, i) => {
    const at = 32 + 32 * i;
    b.write(f.name, at, 'latin1');
    b.write(f.type, at + 11, 'latin1');
    b.writeUInt8(f.length, at + 16);
    b.writeUInt8(f.decimals, at + 17);
  });
  b.writeUInt8(0x0d, headerLength - 1);
  features.forEach((feature, r) => {
    const at = headerLength + r * recordLength;
    b.write(' ', at, 'latin1');
    b.write(feature.name.padEnd(40), at + 1, 'latin1');
    b.write(feature.area.toFixed(4).padStart(12), at + 41, 'latin1');
  });
  b.writeUInt8(0x1a, b.length - 1);
  return b;
}
