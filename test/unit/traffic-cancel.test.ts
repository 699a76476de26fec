import { describe, expect, it } from 'vitest'
import { readTrafficInputs } from '../../src/shared/inputs/traffic.js'
import type { Operation, Platform, RouterRef, ServiceRef, StoredRecord, TrafficSplit } from '../../src/shared/platforms/platform.js'
import { Cancellation, CancelledError } from '../../src/shared/release/cancellation.js'
import { traffic } from '../../src/shared/release/traffic.js'
import { JELASTIC_INPUTS, releaseContext, WEIGHTED_CAPABILITIES } from '../support/release-context.js'

/**
 * A router whose requests listen to the job's cancellation as the HTTP client's do (until cleanup
 * starts), and a moment at 50% where the runner's SIGINT lands: during the candidate's read (a
 * round's reads, after the loop looked at the signal and before the abort's writes), or during
 * the read-back of the write that set 50%.
 */
function routerCancelledAt(cancellation: Cancellation, moment: 'candidate read' | 'read-back') {
  let split: TrafficSplit = { blue: 100, green: 0, routingMethod: 'round-robin' }
  let record: StoredRecord | null = null
  const writes: number[] = []
  const request = () => {
    if (cancellation.requestSignal()?.aborted) throw new CancelledError('the job was cancelled (SIGINT)')
  }
  let readingBack = false
  const cancelNow = () => {
    if (cancellation.job.aborted) return
    cancellation.cancel('the job was cancelled (SIGINT)')
    // the request under way when the signal came is cut
    request()
  }
  const operation = (ref: ServiceRef): Operation => ({ id: 'op', kind: 'traffic', ref, target: {} })
  const platform = {
    name: 'jelastic',
    capabilities: WEIGHTED_CAPABILITIES,
    async readTraffic() {
      request()
      if (moment === 'read-back' && readingBack && split.green === 50) cancelNow()
      readingBack = false
      return { ...split }
    },
    async writeTraffic(_router: RouterRef, wanted: TrafficSplit) {
      request()
      split = { ...wanted }
      writes.push(wanted.green)
      readingBack = true
      return operation({ service: 'td' })
    },
    async observe() {
      request()
      return { status: 'succeeded', detail: 'done' }
    },
    async describe(ref: ServiceRef) {
      request()
      if (moment === 'candidate read' && ref.service === 'green' && split.green === 50) cancelNow()
      return { phase: 'running', replicas: 1, ready: 1, image: `registry.example.com/${ref.service}:v1` }
    },
    async readRecord() {
      request()
      return record
    },
    async writeRecord(_router: RouterRef, next: StoredRecord) {
      request()
      record = next
    },
  } as unknown as Platform
  return { platform, writes, split: () => split }
}

describe('a cancel at 50%', () => {
  it.each(['candidate read', 'read-back'] as const)(
    'during the %s still puts all traffic back on stable: the abort is not cut by the cancel it answers',
    async (moment) => {
      const cancellation = new Cancellation()
      const router = routerCancelledAt(cancellation, moment)
      const inputs = readTrafficInputs({
        ...JELASTIC_INPUTS,
        INPUT_ROUTER: 'td',
        INPUT_BLUE: 'blue',
        INPUT_GREEN: 'green',
        INPUT_STEPS: '50:5m,100',
        'INPUT_RELEASE-ID': 'org/shop#1',
      })
      const result = await traffic(releaseContext(router.platform, cancellation), inputs)
      expect(router.writes).toEqual([50, 0])
      expect(router.split().green).toBe(0)
      expect(result.outputs).toMatchObject({ phase: 'aborted', reason: 'the job was cancelled' })
    },
  )
})
