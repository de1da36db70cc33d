import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The absolute file-system path of a plain path or a `file://` URI. */
export function localPath(uri: string): string {
  return uri.startsWith('file://') ? fileURLToPath(uri) : path.resolve(uri);
}
