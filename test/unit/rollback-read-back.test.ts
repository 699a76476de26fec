import { describe, expect, it } from 'vitest'
import { readRollbackInputs } from '../../src/shared/inputs/rollback.js'
import type { Platform, ServiceRef } from '../../src/shared/platforms/platform.js'
import { rollback } from '../../src/shared/release/rollback.js'
import { JELASTIC_INPUTS, releaseContext, WEIGHTED_CAPABILITIES } from '../support/release-context.js'

const V1 = 'registry.example.com/shop:v1'
const V2 = 'registry.example.com/shop:v2'
const V3 = 'registry.example.com/shop:v3'

/** Variables: those the operation names as its target, and those the service runs after it. */
interface EnvEnding {
  target: Record<string, string>
  after: Record<string, string>
}

/**
 * A platform whose write says it succeeded while the service ends up on `endsOn` (another run's
 * change came between), or cannot be read after it (null): Jelastic's deploy of the image asked
 * for, or Rancher's own rollback, whose operation names the launch config it goes back to
 * (`target`, and `env` its variables).
 */
function platformEndingOn(endsOn: string | null, write: 'deploy' | 'rollback' = 'deploy', target = V1, env?: EnvEnding): Platform {
  let image: string | null = V2
  let vars: Record<string, string> = { MODE: 'new' }
  return {
    name: write === 'deploy' ? 'jelastic' : 'rancher',
    capabilities: { ...WEIGHTED_CAPABILITIES, nativeRollback: write === 'rollback' },
    async describe(ref: ServiceRef) {
      if (image === null) throw new Error('connection reset')
      return { id: ref.service, phase: 'running', status: 'RUNNING', replicas: 1, ready: 1, image, env: vars }
    },
    async [write](ref: ServiceRef) {
      image = endsOn
      vars = env?.after ?? vars
      return { id: 'op', kind: 'deploy', ref, target: { image: target, ...(env && { env: env.target }) } }
    },
    async observe() {
      return { status: 'succeeded', detail: 'RUNNING' }
    },
  } as unknown as Platform
}

const inputs = readRollbackInputs({
  ...JELASTIC_INPUTS,
  INPUT_SERVICE: 'shop',
  INPUT_TO: V1,
})

describe('a rollback to an image', () => {
  it('succeeds when the service runs that image at the end', async () => {
    const result = await rollback(releaseContext(platformEndingOn(V1)), inputs)
    expect(result.failure).toBeUndefined()
    expect(result.outputs.image).toBe(V1)
  })

  it('fails when the operation succeeded but the service runs another image, and says which', async () => {
    const result = await rollback(releaseContext(platformEndingOn(V3)), inputs)
    expect(result.failure).toBe(`jelastic: rollback of "shop" to ${V1} failed: the operation succeeded, but the service runs ${V3}`)
    expect(result.outputs.image).toBe(V3)
  })

  it("fails when the operation succeeded but the service cannot be read back: the operation's word alone is no evidence", async () => {
    const result = await rollback(releaseContext(platformEndingOn(null)), inputs)
    expect(result.failure).toBe(
      `jelastic: rollback of "shop" to ${V1} failed: the operation op succeeded, but the service could not be read back to prove it runs ${V1}`,
    )
  })

  it('by the platform\'s own rollback ("to" given): fails when the service cannot be read back', async () => {
    const result = await rollback(releaseContext(platformEndingOn(null, 'rollback')), inputs)
    expect(result.failure).toBe(
      `rancher: rollback of "shop" failed: the operation op succeeded, but the service could not be read back to prove it runs ${V1}`,
    )
  })
})

/**
 * A platform with a rollback of its own to "the version before" (ServiceStage's rollback_current):
 * its job succeeds, and the service then runs `versionAfter` (the image the same either way).
 */
function nativeRollbackEndingOn(versionAfter: string, { deploying = false, unreadableAfter = false } = {}) {
  let version = '2024.0101.00002'
  let phase = deploying ? 'deploying' : 'running'
  let rollbacks = 0
  const platform = {
    name: 'servicestage',
    capabilities: { ...WEIGHTED_CAPABILITIES, nativeRollback: true },
    async describe(ref: ServiceRef) {
      if (rollbacks > 0 && unreadableAfter) throw new Error('connection reset')
      return { id: ref.service, phase, status: phase.toUpperCase(), replicas: 1, ready: 1, image: V1, version }
    },
    async rollback(ref: ServiceRef) {
      rollbacks++
      version = versionAfter
      phase = 'running'
      return { id: 'JOB-rollback', kind: 'lifecycle', ref, target: {} }
    },
    async observe() {
      return { status: 'succeeded', detail: 'job SUCCEEDED' }
    },
  } as unknown as Platform
  return { platform, rollbacks: () => rollbacks }
}

describe("a rollback to the version before, by the platform's own rollback", () => {
  const back = readRollbackInputs({ ...JELASTIC_INPUTS, INPUT_SERVICE: 'shop' })

  it('succeeds when the service runs another version at the end, though its image is the same', async () => {
    const { platform, rollbacks } = nativeRollbackEndingOn('2024.0101.00001')
    const result = await rollback(releaseContext(platform), back)
    expect(result.failure).toBeUndefined()
    expect(rollbacks()).toBe(1)
  })

  it("succeeds on the same version when it ended a deploy's job that had not applied its version yet", async () => {
    const { platform } = nativeRollbackEndingOn('2024.0101.00002', { deploying: true })
    const result = await rollback(releaseContext(platform), back)
    expect(result.failure).toBeUndefined()
  })

  it('fails when the service cannot be read back after the job succeeded: nothing proves it left its version', async () => {
    const { platform } = nativeRollbackEndingOn('2024.0101.00001', { unreadableAfter: true })
    const result = await rollback(releaseContext(platform), back)
    expect(result.failure).toBe(
      'servicestage: rollback of "shop" failed: the operation JOB-rollback succeeded, but the service could not be read back to prove it left version 2024.0101.00002',
    )
  })

  it("fails when the job succeeded but the service still runs the version it ran: the job's word alone is no evidence", async () => {
    const { platform } = nativeRollbackEndingOn('2024.0101.00002')
    const result = await rollback(releaseContext(platform), back)
    expect(result.failure).toBe(
      `servicestage: rollback of "shop" failed: the operation JOB-rollback succeeded, but the service still runs version 2024.0101.00002 (${V1}): it was not rolled back`,
    )
  })
})

describe("a rollback by the platform's own rollback to an image it names (Rancher's previous launch config)", () => {
  const back = readRollbackInputs({ ...JELASTIC_INPUTS, INPUT_SERVICE: 'shop' })

  it('succeeds when the service runs the image the rollback named', async () => {
    expect((await rollback(releaseContext(platformEndingOn(V1, 'rollback')), back)).failure).toBeUndefined()
  })

  it('fails when the operation succeeded but the service runs another image', async () => {
    const result = await rollback(releaseContext(platformEndingOn(V3, 'rollback')), back)
    expect(result.failure).toBe(`rancher: rollback of "shop" failed: the operation succeeded, but the service runs ${V3}, not ${V1}`)
  })

  it('fails when the service cannot be read back after it', async () => {
    const result = await rollback(releaseContext(platformEndingOn(null, 'rollback', V1, { target: { MODE: 'old' }, after: {} })), back)
    expect(result.failure).toBe(
      `rancher: rollback of "shop" failed: the operation op succeeded, but the service could not be read back to prove it runs ${V1} with its variables`,
    )
  })

  // the launch config before may run the same image with other variables: only they prove the rollback
  it('fails when the service runs the image but not the variables of the config it went back to', async () => {
    const result = await rollback(
      releaseContext(platformEndingOn(V2, 'rollback', V2, { target: { MODE: 'old' }, after: { MODE: 'new' } })),
      back,
    )
    expect(result.failure).toBe(
      `rancher: rollback of "shop" failed: the operation succeeded, but the service runs ${V2} with other variables than the rollback's launch config`,
    )
  })

  it('succeeds when the service runs the image and the variables of the config it went back to', async () => {
    const result = await rollback(
      releaseContext(platformEndingOn(V2, 'rollback', V2, { target: { MODE: 'old' }, after: { MODE: 'old' } })),
      back,
    )
    expect(result.failure).toBeUndefined()
  })
})
