import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The version of package.json, found from both src/ (tests) and dist/ (the built CLI). */
export const APP_VERSION: string = (require('../../package.json') as { version: string }).version;
