import { afterEach } from 'vitest'
import { expectNoGitHubViolations } from './github-fakes.js'

// A setup file runs for each test file, also in a worker that runs the e2e files one after
// another without isolation, where a hook a shared module registers as it loads would be
// registered in the first file only.
afterEach(expectNoGitHubViolations)
