import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // the e2e files mostly wait on the emulator and the bundles they spawn, not on the 2 cores:
    // vitest's default (one worker per core but one) would run them one after another. Six, the
    // fault matrix among them: the suite then keeps both cores busy (about 1.7 of 2), where four
    // with the matrix run after the rest left half of them idle (about 400 s against 240 s)
    maxWorkers: 6,
    // @actions/workflow-parser imports JSON without import attributes: vitest must inline it
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
})
