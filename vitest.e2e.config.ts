/**
 * End-to-end tests: the app in Chromium (Playwright) against the web host on the bundled
 * sample catalogue, and an Electron smoke test where an Electron binary exists.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});
