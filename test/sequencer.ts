import { basename } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The e2e files that took longest in `npm test` (2026-12-07, 2 cores, 6 workers), longest first.
 * vitest orders files by the durations it cached on the last run, and with no cache (a clean
 * clone, as CI runs) by file size: the fault matrix (160 s) then started about 30th, and the suite
 * ended 80–110 s after it, waiting on it. A file missing here only runs later; a stale list costs
 * time, never a result.
 */
const LONGEST_FIRST = [
  'fault-matrix',
  'preview-sweep',
  'alauda',
  'demo',
  'cli',
  'progressive',
  'netease',
  'hostile-answers',
  'preview',
  'rancher',
  'env-vars',
  'local-action',
  'servicestage',
  'secret-scan',
  'env-vars-rollback',
  'workflows',
]

function rank(spec: TestSpecification): number {
  const index = LONGEST_FIRST.indexOf(basename(spec.moduleId, '.test.ts'))
  return index === -1 ? LONGEST_FIRST.length : index
}

/** vitest's own order (projects, cached durations, sizes), with the longest files known moved first. */
export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files)
    return ordered
      .map((spec, index) => ({ spec, index }))
      .sort((a, b) => rank(a.spec) - rank(b.spec) || a.index - b.index)
      .map(({ spec }) => spec)
  }
}
