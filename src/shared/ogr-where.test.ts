import { describe, expect, it } from 'vitest';
import { parseWhere, type AttributeValue } from './ogr-where.js';

const attributes = (record: Record<string, AttributeValue>) => new Map(Object.entries(record));
const DEA_FILTER = "GCC_NAME21 LIKE '%Rest of%' AND AREASQKM21 < 63 OR GCC_NAME21 NOT LIKE '%Rest of%'";

describe('parseWhere', () => {
  it("keeps DEA's metropolitan areas and its small rural ones: AND binds tighter than OR", () => {
    const filter = parseWhere(DEA_FILTER);
    expect(filter.fields).toEqual(['GCC_NAME21', 'AREASQKM21']);
    const keeps = (name: string, area: number) => filter.matches(attributes({ GCC_NAME21: name, AREASQKM21: area }));
    expect(keeps('Greater Sydney', 12_368)).toBe(true);
    expect(keeps('Rest of NSW', 62.9)).toBe(true);
    expect(keeps('Rest of NSW', 63)).toBe(false);
    // LIKE is case-sensitive, as in GDAL 3.1 and later.
    expect(keeps('rest of NSW', 500)).toBe(true);
  });

  it('reads parentheses, NOT, each comparison and literals on either side', () => {
    const record = attributes({ NAME: "O'Connor", AREA: 10, CODE: '0a_b' });
    const cases: Array<[string, boolean]> = [
      ['area = 10', true],
      ['AREA <> 10', false],
      ['AREA != 9.5', true],
      ['AREA <= 10 AND AREA >= 10 AND AREA > 9 AND AREA < 1e2', true],
      ['10 > AREA', false],
      ['AREA > -1', true],
      ["NAME = 'O''Connor'", true],
      ['"name" = \'O\'\'Connor\'', true],
      ['NOT (AREA = 10 OR AREA = 11)', false],
      ['NOT AREA = 11 AND (AREA = 10 OR AREA = 11)', true],
      ["CODE LIKE '0_\\_b'", false],
      ["CODE LIKE '_a_b'", true],
      ["CODE LIKE '0a%'", true],
      ["CODE NOT LIKE '%.%'", true],
      ['NAME IS NOT NULL AND AREA IS NULL', false],
    ];
    for (const [text, expected] of cases) expect(parseWhere(text).matches(record), text).toBe(expected);
  });

  it('leaves out a feature whose test is unknown for a missing value, as SQL does', () => {
    const missing = attributes({ GCC_NAME21: 'Rest of Vic.', AREASQKM21: null });
    expect(parseWhere('AREASQKM21 < 63').matches(missing)).toBe(false);
    expect(parseWhere('NOT AREASQKM21 < 63').matches(missing)).toBe(false);
    expect(parseWhere('AREASQKM21 < 63 OR GCC_NAME21 IS NOT NULL').matches(missing)).toBe(true);
    expect(parseWhere(DEA_FILTER).matches(missing)).toBe(false);
  });

  it('names the position of what it cannot read', () => {
    const cases: Array<[string, string]> = [
      ['AREA <', 'expected a field name, a string or a number at position 7, found the end'],
      ['AREA = 1 AREA', "expected AND, OR or the end at position 10, found 'AREA'"],
      ["NAME = 'open", 'unterminated string at position 8'],
      ['(AREA = 1', "expected ')' at position 10, found the end"],
      ['AREA BETWEEN 1 AND 2', "expected a comparison (=, <>, <, <=, >, >=, LIKE, IS NULL) at position 6, found 'BETWEEN'"],
      ['NAME NOT IN (1)', "expected LIKE at position 10, found 'IN'"],
      ['NAME LIKE 5', "expected a quoted LIKE pattern at position 11, found '5'"],
      ['AREA = 1;', "unexpected ';' at position 9"],
      ['', 'expected a condition at position 1, found the end'],
    ];
    for (const [text, message] of cases) expect(() => parseWhere(text), text).toThrow(message);
  });

  it('refuses a field it does not have and a comparison of a string with a number', () => {
    const record = attributes({ NAME: 'Perth', AREA: 5 });
    expect(() => parseWhere("STATE = 'WA'").matches(record)).toThrow('no field STATE at position 1: the features have NAME, AREA');
    expect(() => parseWhere('NAME = 5').matches(record)).toThrow('= at position 6 compares field NAME with a value of another type');
    expect(() => parseWhere("AREA LIKE '5%'").matches(record)).toThrow('LIKE at position 6 compares field AREA');
  });
});
