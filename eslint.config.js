import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/** Node's globals for the plain JavaScript files (build script, benchmark); TypeScript checks its own. */
const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'URL', 'Buffer', 'performance', 'setTimeout', 'clearTimeout', 'fetch'].map((name) => [name, 'readonly']),
)

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: nodeGlobals } },
  {
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
)
