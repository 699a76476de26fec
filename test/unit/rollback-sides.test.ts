import { describe, expect, it } from 'vitest'
import { readRollbackInputs } from '../../src/shared/inputs/rollback.js'
import type { Platform, ServiceRef, TrafficSplit } from '../../src/shared/platforms/platform.js'
import { rollback } from '../../src/shared/release/rollback.js'
import { JELASTIC_INPUTS, releaseContext, WEIGHTED_CAPABILITIES } from '../support/release-context.js'

/** A weighted router that keeps no record of the last release, split as given; it counts its writes. */
function routerAt(green: number) {
  const writes: TrafficSplit[] = []
  const platform = {
    name: 'jelastic',
    capabilities: WEIGHTED_CAPABILITIES,
    async readTraffic() {
      return { blue: 100 - green, green, routingMethod: 'round-robin' }
    },
    async writeTraffic(_router: unknown, split: TrafficSplit) {
      writes.push(split)
      throw new Error('no write expected')
    },
    async readRecord() {
      return null
    },
    async describe(ref: ServiceRef) {
      return {
        id: ref.service,
        image: `registry.example.com/${ref.service}:v1`,
        replicas: 1,
        ready: 1,
        phase: 'running',
        status: 'RUNNING',
      }
    },
  } as unknown as Platform
  return { platform, writes }
}

const inputs = () =>
  readRollbackInputs({
    ...JELASTIC_INPUTS,
    INPUT_SERVICE: 'shop-green',
    INPUT_ROUTER: 'shop',
    INPUT_BLUE: 'shop-blue',
    INPUT_GREEN: 'shop-green',
  })

describe('a rollback by router with no record of the last release', () => {
  it.each([10, 50, 90])(
    'refuses at %d%% on green, before any write: the sides swap between releases, and a guess could promote the canary',
    async (green) => {
      const router = routerAt(green)
      await expect(rollback(releaseContext(router.platform), inputs())).rejects.toThrow(
        'keeps no record of the last release: which side served before is unknown',
      )
      expect(router.writes).toEqual([])
    },
  )
})
