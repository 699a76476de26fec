import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // the e2e files mostly wait on the emulator and the bundles they spawn, not on the 2 cores:
    // vitest's default (one worker per core but one) would run them one after another
    maxWorkers: 4,
    // @actions/workflow-parser imports JSON without import attributes: vitest must inline it
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
})
