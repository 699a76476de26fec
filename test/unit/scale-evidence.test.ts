import { afterEach, describe, expect, it, vi } from 'vitest'
import { NetworkError } from '../../src/shared/http/errors.js'
import { readScaleInputs } from '../../src/shared/inputs/scale.js'
import type { Operation, Platform, ServicePhase, ServiceRef } from '../../src/shared/platforms/platform.js'
import { scale } from '../../src/shared/release/scale.js'
import { JELASTIC_INPUTS, releaseContext, WEIGHTED_CAPABILITIES } from '../support/release-context.js'

type Shown = { replicas: number; phase: ServicePhase }

/**
 * A platform whose job succeeds while the service ends as `after` says: what a lost answer
 * settled by someone else's job looks like (the job that succeeded was theirs).
 */
function platformEndingAs(after: Shown | null, first: Shown = { replicas: 1, phase: 'running' }) {
  let state: Shown | null = first
  const writes: string[] = []
  const job = (ref: ServiceRef): Operation => ({ id: 'job-7', kind: 'scale', ref, target: {} })
  const platform = {
    name: 'jelastic',
    capabilities: WEIGHTED_CAPABILITIES,
    async describe(ref: ServiceRef) {
      if (state === null) return null
      const status = state.phase.toUpperCase()
      return { id: ref.service, image: 'shop:v1', replicas: state.replicas, ready: state.replicas, phase: state.phase, status }
    },
    async scale(ref: ServiceRef, spec: { replicas: number }) {
      writes.push(`scale ${spec.replicas}`)
      state = after
      return job(ref)
    },
    async lifecycle(ref: ServiceRef, verb: string) {
      writes.push(verb)
      state = after
      return job(ref)
    },
    async remove(ref: ServiceRef) {
      writes.push('remove')
      state = after
      return job(ref)
    },
    async observe() {
      return { status: 'succeeded', detail: 'job SUCCEEDED' }
    },
  } as unknown as Platform
  return { platform, writes }
}

const inputs = (more: Record<string, string>) => readScaleInputs({ ...JELASTIC_INPUTS, INPUT_SERVICE: 'shop', ...more })

describe('a scale succeeds on the scale the service shows, not on the job’s word alone', () => {
  it('fails when the job succeeded but the service shows another replica count', async () => {
    const { platform, writes } = platformEndingAs({ replicas: 2, phase: 'running' })
    const result = await scale(releaseContext(platform), inputs({ INPUT_REPLICAS: '3' }))
    expect(writes).toEqual(['scale 3'])
    expect(result.failure).toBe(
      'jelastic: scale of "shop" to 3 failed: operation job-7 succeeded, but shop shows 2 replica(s): another change may have come in between',
    )
    expect(result.outputs.replicas).toBe('2')
  })

  it('fails a scale or a stop whose job succeeded when the service cannot be read back: the job’s word alone is no evidence', async () => {
    for (const more of [{ INPUT_REPLICAS: '3' }, { INPUT_LIFECYCLE: 'stop' }] as Record<string, string>[]) {
      const { platform } = platformEndingAs({ replicas: 3, phase: 'stopped' })
      const describe = platform.describe.bind(platform)
      let reads = 0
      // the read before the change answers; the read back after it does not
      platform.describe = async (ref) => {
        if (++reads > 1) throw new NetworkError('GET /services/shop: reset', 'ECONNRESET')
        return describe(ref)
      }
      const result = await scale(releaseContext(platform), inputs(more))
      expect(result.failure, JSON.stringify(more)).toMatch(/: operation job-7 succeeded, but shop could not be read back to confirm it$/)
      // unknown, not the count from before the change
      expect(result.outputs, JSON.stringify(more)).toMatchObject({
        replicas: '',
        autoscaling: '',
        'service-id': 'shop',
        'operation-id': 'job-7',
      })
      expect(result.rows, JSON.stringify(more)).toContainEqual([more.INPUT_LIFECYCLE ? 'After' : 'Replicas after', 'not read back'])
    }
  })

  it('succeeds when the service shows the replicas asked for', async () => {
    const { platform } = platformEndingAs({ replicas: 3, phase: 'running' })
    const result = await scale(releaseContext(platform), inputs({ INPUT_REPLICAS: '3' }))
    expect(result.failure).toBeUndefined()
    expect(result.title).toBe('Scaled shop to 3 replica(s)')
  })

  it('fails a stop whose job succeeded while the service still runs', async () => {
    const { platform } = platformEndingAs({ replicas: 1, phase: 'running' })
    const result = await scale(releaseContext(platform), inputs({ INPUT_LIFECYCLE: 'stop' }))
    expect(result.failure).toBe(
      'jelastic: stop of "shop" failed: operation job-7 succeeded, but shop is RUNNING: another change may have come in between',
    )
  })

  it('fails a removal whose job succeeded while the service is still there, and passes one that is gone', async () => {
    const kept = await scale(
      releaseContext(platformEndingAs({ replicas: 1, phase: 'running' }).platform),
      inputs({ INPUT_LIFECYCLE: 'remove' }),
    )
    expect(kept.failure).toContain('operation job-7 succeeded, but shop is RUNNING')
    const gone = await scale(releaseContext(platformEndingAs(null).platform), inputs({ INPUT_LIFECYCLE: 'remove' }))
    expect(gone.failure).toBeUndefined()
    expect(gone.title).toBe('Removed shop')
  })

  it('fails a start that ends stopped (the job was someone’s stop), and passes one still coming up', async () => {
    const stopped = await scale(
      releaseContext(platformEndingAs({ replicas: 1, phase: 'stopped' }, { replicas: 1, phase: 'stopped' }).platform),
      inputs({ INPUT_LIFECYCLE: 'start' }),
    )
    expect(stopped.failure).toContain('operation job-7 succeeded, but shop is STOPPED')
    const coming = await scale(
      releaseContext(platformEndingAs({ replicas: 2, phase: 'deploying' }, { replicas: 2, phase: 'stopped' }).platform),
      inputs({ INPUT_LIFECYCLE: 'start' }),
    )
    expect(coming.failure).toBeUndefined()
  })

  it('passes a start that ends running', async () => {
    const { platform } = platformEndingAs({ replicas: 1, phase: 'running' }, { replicas: 1, phase: 'stopped' })
    const result = await scale(releaseContext(platform), inputs({ INPUT_LIFECYCLE: 'start' }))
    expect(result.failure).toBeUndefined()
  })
})

describe('a scale by webhook reports the scale a read showed, never the count from before', () => {
  afterEach(() => vi.useRealTimers())

  const RANCHER = {
    INPUT_PLATFORM: 'rancher',
    'INPUT_API-URL': 'https://rancher.example.com/v2-beta',
    'INPUT_ACCESS-KEY': 'rancher-access-0123',
    'INPUT_SECRET-KEY': 'rancher-secret-0123456789',
    INPUT_PROJECT: '1a5',
    INPUT_SERVICE: 'shop/web',
    'INPUT_WEBHOOK-URL': 'https://rancher.example.com/v1-webhooks/endpoint?key=0123456789abcdef&projectId=1a5',
  }

  /** Rancher's receiver scales web from 2 to 3; each read after the `answered` first ones is reset. */
  function receiverPlatform(answered: number) {
    let replicas = 2
    let reads = 0
    const platform = {
      name: 'rancher',
      capabilities: WEIGHTED_CAPABILITIES,
      webhooks: {
        async trigger() {
          replicas = 3
        },
      },
      async describe() {
        if (++reads > answered) throw new NetworkError('GET /services/1s7: reset', 'ECONNRESET')
        return { id: '1s7', image: 'web:v1', replicas, ready: replicas, phase: 'running', status: 'active' }
      },
    } as unknown as Platform
    return platform
  }

  async function run(platform: Platform) {
    vi.useFakeTimers()
    const result = scale(releaseContext(platform), readScaleInputs(RANCHER))
    // the receiver's answer shows nothing: the wait's first read comes a second later
    await vi.advanceTimersByTimeAsync(1_500)
    return result
  }

  it('takes the scale from the wait’s read when the read back after it fails', async () => {
    const result = await run(receiverPlatform(2))
    expect(result.failure).toBeUndefined()
    expect(result.title).toBe('Scaled shop/web by webhook to 3')
    expect(result.outputs).toMatchObject({ replicas: '3', 'service-id': '1s7', autoscaling: 'off' })
  })

  it('leaves `replicas` empty when no read after the trigger answered', async () => {
    vi.useFakeTimers()
    const result = scale(releaseContext(receiverPlatform(1)), readScaleInputs(RANCHER))
    // past the one minute's deadline: every read of the wait was reset
    await vi.advanceTimersByTimeAsync(70_000)
    const ended = await result
    expect(ended.failure).toMatch(/did not reach a new scale/)
    expect(ended.title).toBe('Scaling shop/web by webhook failed')
    expect(ended.outputs).toMatchObject({ replicas: '', autoscaling: '', 'service-id': '1s7' })
    expect(ended.rows).toContainEqual(['Replicas after', 'not read back'])
  })
})
