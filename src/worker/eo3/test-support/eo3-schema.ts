/** Checks a document against eodatasets3's EO3 dataset schema (`dataset.schema.yaml` here; see README.md). */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

const schema = parse(readFileSync(new URL('./dataset.schema.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;
// The schema leaves `type` out beside `format`, as draft 7 allows; Ajv's strict mode would warn of it.
const ajv = new Ajv({ allErrors: true, strictTypes: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);

/** What the schema finds wrong with `document`, one line each; none for a valid document. */
export function eo3SchemaErrors(document: unknown): string[] {
  if (validate(document)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
