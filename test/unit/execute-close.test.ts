import { afterEach, describe, expect, it, vi } from 'vitest'
import type { CommonInputs } from '../../src/shared/inputs/common.js'

// the platform the flow gets: only its close() is looked at
const closed = vi.hoisted(() => ({ count: 0 }))
vi.mock('../../src/shared/platforms/registry.js', () => ({
  createPlatform: async () => ({ name: 'rancher', capabilities: {}, close: () => closed.count++ }),
}))

const { execute } = await import('../../src/shared/run/execute.js')

const INPUTS: CommonInputs = {
  platform: 'rancher',
  apiUrl: new URL('http://rancher.example.com:8080/v2-beta'),
  credentials: { accessKey: 'ak', secretKey: 'sk-secret-0123' },
  project: '1a5',
  timeoutMs: 10_000,
  dryRun: false,
}

afterEach(() => {
  process.exitCode = undefined
  vi.restoreAllMocks()
})

describe('a step’s platform', () => {
  it('is closed once the flow is done, whether it succeeded or failed (a stream left open would keep the process alive)', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    closed.count = 0
    await execute(INPUTS, async () => ({ title: 'Done', outputs: {}, rows: [], notes: [] }))
    expect(closed.count).toBe(1)
    await execute(INPUTS, async () => {
      throw new Error('the flow failed between the write and its wait')
    })
    expect(closed.count).toBe(2)
    expect(process.exitCode).toBe(1)
  })
})
