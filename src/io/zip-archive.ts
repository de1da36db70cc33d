/**
 * Extracting a ZIP archive, for the zipped shapefiles configs name through GDAL's `/vsizip/`
 * (DEA's land-cover urban mask). Stored and deflated members; ZIP64 and encryption are refused.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { UserError } from '../shared/errors.js';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/** Writes every file of the archive `zip` below `folder` (created), keeping the archive's folders; returns their relative paths. */
export async function extractZip(zip: string, folder: string): Promise<string[]> {
  const bytes = await fs.readFile(zip);
  const bad = (why: string) => new UserError(`${zip} is not a ZIP archive this program reads: ${why}`);
  const end = endOfCentralDirectory(bytes);
  if (end < 0) throw bad('no end of central directory');
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  if (count === 0xffff || at === 0xffffffff) throw bad('ZIP64 archives are not read');
  const written: string[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL_FILE_HEADER) throw bad(`central directory entry ${i + 1} is damaged`);
    const flags = bytes.readUInt16LE(at + 8);
    const method = bytes.readUInt16LE(at + 10);
    const compressedSize = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const localHeader = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString(flags & 0x800 ? 'utf8' : 'latin1');
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (flags & 1) throw bad(`${name} is encrypted`);
    const relative = path.normalize(name);
    if (path.isAbsolute(relative) || relative.startsWith('..')) throw bad(`${name} lies outside the archive's folder`);
    if (bytes.readUInt32LE(localHeader) !== LOCAL_FILE_HEADER) throw bad(`the data of ${name} is damaged`);
    const dataStart = localHeader + 30 + bytes.readUInt16LE(localHeader + 26) + bytes.readUInt16LE(localHeader + 28);
    const data = bytes.subarray(dataStart, dataStart + compressedSize);
    let content: Buffer;
    if (method === STORED) content = data;
    else if (method === DEFLATED) content = inflateRawSync(data);
    else throw bad(`${name} is compressed by method ${method}; stored and deflated members are read`);
    const target = path.join(folder, relative);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, content);
    written.push(relative);
  }
  return written;
}

/** Where the end-of-central-directory record starts: searched back from the end, past a comment of up to 64 KiB. */
function endOfCentralDirectory(bytes: Buffer): number {
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (bytes.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  return -1;
}
