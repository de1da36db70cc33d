// Lint of every TypeScript file: typescript-eslint's recommended rules, React's rules of hooks,
// and the few habits the project keeps (see docs/architecture.md). `npm test` runs it first,
// with no warning allowed.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', 'test-results/', 'demo-output/', 'benchmarks/out/', 'src/worker/kernels/*.wasm', 'assembly/*.ts'] },
  // assembly/*.ts is AssemblyScript (decorators, its own types), checked by its compiler.
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // Command-line scripts print their results.
    files: ['benchmarks/**', 'scripts/**', 'assembly/**', 'e2e/**', '**/*.bench.ts'],
    rules: { 'no-console': 'off' },
  },
);
