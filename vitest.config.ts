import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // @actions/workflow-parser imports JSON without import attributes: vitest must inline it
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
})
