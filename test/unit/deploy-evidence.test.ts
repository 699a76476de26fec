import { describe, expect, it } from 'vitest'
import { readDeployInputs } from '../../src/shared/inputs/deploy.js'
import type { DeploySpec, Operation, Platform, ServiceRef } from '../../src/shared/platforms/platform.js'
import type { ReleaseContext } from '../../src/shared/release/context.js'
import { NetworkError } from '../../src/shared/http/errors.js'
import { Deadline } from '../../src/shared/release/deadline.js'
import { deploy } from '../../src/shared/release/deploy.js'
import { JELASTIC_INPUTS, releaseContext, WEIGHTED_CAPABILITIES } from '../support/release-context.js'

const V1 = 'registry.example.com/shop:v1'
const V2 = 'registry.example.com/shop:v2'

/**
 * A platform whose deploy job succeeds while the service ends on `runsAfter`: what a lost answer
 * settled by someone else's job looks like (the job that succeeded was theirs).
 */
function platformRunning(runsAfter: string) {
  let image = V1
  let deployed = false
  const deploys: string[] = []
  const platform = {
    name: 'jelastic',
    capabilities: WEIGHTED_CAPABILITIES,
    async describe(ref: ServiceRef) {
      if (deployed) image = runsAfter
      return { id: ref.service, image, replicas: 1, ready: 1, phase: 'running', status: 'RUNNING' }
    },
    async deploy(ref: ServiceRef, spec: DeploySpec): Promise<Operation> {
      deploys.push(spec.image)
      deployed = true
      return { id: 'job-1', kind: 'deploy', ref, target: { image: spec.image } }
    },
    async observe() {
      return { status: 'succeeded', detail: 'job SUCCEEDED' }
    },
  } as unknown as Platform
  return { platform, deploys }
}

const inputs = () =>
  readDeployInputs({
    ...JELASTIC_INPUTS,
    INPUT_SERVICE: 'shop',
    INPUT_IMAGE: V2,
  })

describe('a deploy succeeds on what the service runs, not on the job’s word alone', () => {
  it('fails, and rolls nothing back, when the job succeeded but the service runs another image', async () => {
    const { platform, deploys } = platformRunning('registry.example.com/shop:v3')
    const result = await deploy(releaseContext(platform), inputs())
    expect(result.failure).toContain(
      'operation job-1 succeeded, but shop runs registry.example.com/shop:v3 (RUNNING): another change may have come in between; not rolled back',
    )
    expect(deploys).toEqual([V2])
    expect(result.outputs).toMatchObject({ image: 'registry.example.com/shop:v3', 'rolled-back': 'false' })
  })

  it('fails, and rolls nothing back, when the job succeeded but the service cannot be read back: the job’s word alone is no evidence', async () => {
    const { platform, deploys } = platformRunning(V2)
    const describe = platform.describe.bind(platform)
    let reads = 0
    // the read before the deploy answers; from the read back on, the platform cannot be read
    platform.describe = async (ref) => {
      if (++reads > 1) throw new Error('connection reset')
      return describe(ref)
    }
    const result = await deploy(releaseContext(platform), inputs())
    expect(result.failure).toContain('operation job-1 succeeded, but shop could not be read back to confirm it; not rolled back')
    expect(deploys).toEqual([V2])
    expect(result.outputs['rolled-back']).toBe('false')
  })

  it('succeeds when the service runs the image sent', async () => {
    const { platform } = platformRunning(V2)
    const result = await deploy(releaseContext(platform), inputs())
    expect(result.failure).toBeUndefined()
    expect(result.outputs.image).toBe(V2)
  })
})

describe('a create succeeds on what the new service runs', () => {
  /** No service of the name yet; the create's job succeeds, and the service found runs `runsAfter`. */
  function missingPlatform(runsAfter: string) {
    let created = false
    const platform = {
      name: 'jelastic',
      capabilities: { ...WEIGHTED_CAPABILITIES, create: true },
      async describe(ref: ServiceRef) {
        return created ? { id: ref.service, image: runsAfter, replicas: 1, ready: 1, phase: 'running', status: 'RUNNING' } : null
      },
      async deploy(ref: ServiceRef, spec: DeploySpec): Promise<Operation> {
        created = true
        return { id: 'create-1', kind: 'deploy', ref, target: { image: spec.image } }
      },
      async observe() {
        return { status: 'succeeded', detail: 'created' }
      },
    } as unknown as Platform
    return platform
  }
  const creating = () => readDeployInputs({ ...JELASTIC_INPUTS, INPUT_SERVICE: 'shop', INPUT_IMAGE: V2, INPUT_CREATE: 'true' })

  it('fails when the service found by its name runs another image (someone else created it)', async () => {
    const result = await deploy(releaseContext(missingPlatform('registry.example.com/shop:v3')), creating())
    expect(result.failure).toBe(
      'jelastic: create of "shop" with registry.example.com/shop:v2 failed: operation create-1 succeeded, but shop runs registry.example.com/shop:v3 (RUNNING): another change may have come in between',
    )
    expect(result.outputs.image).toBe('registry.example.com/shop:v3')
  })

  it('succeeds when it runs the image sent', async () => {
    const result = await deploy(releaseContext(missingPlatform(V2)), creating())
    expect(result.failure).toBeUndefined()
    expect(result.title).toBe(`Created shop with ${V2}`)
  })
})

/**
 * A platform whose deploy jobs succeed and set the image; `read` gives each describe's state (or
 * throws), from the image and the number of deploys sent so far.
 */
function deployingPlatform(read: (image: string, deploys: number) => { ready: number; phase: string; status: string }) {
  let image = V1
  let deploys = 0
  const platform = {
    name: 'jelastic',
    capabilities: WEIGHTED_CAPABILITIES,
    async describe(ref: ServiceRef) {
      return { id: ref.service, image, replicas: 1, ...read(image, deploys) }
    },
    async deploy(ref: ServiceRef, spec: DeploySpec): Promise<Operation> {
      image = spec.image
      deploys++
      return { id: `job-${deploys}`, kind: 'deploy', ref, target: { image: spec.image } }
    },
    async observe() {
      return { status: 'succeeded', detail: 'job SUCCEEDED' }
    },
  } as unknown as Platform
  return { platform, deploys: () => deploys }
}

const RUNNING = { ready: 1, phase: 'running', status: 'RUNNING' }

/** A deploy of V2 with a one-sample health check, whose probe answers `status()`. */
function deployChecked(platform: Platform, status: () => number, inputs: Record<string, string> = {}) {
  const probe = { send: async () => ({ status: status(), headers: {}, text: 'body', head: Buffer.from('body'), size: 4 }) }
  const ctx = { ...releaseContext(platform), probe } as unknown as ReleaseContext
  return deploy(
    ctx,
    readDeployInputs({
      ...JELASTIC_INPUTS,
      INPUT_SERVICE: 'shop',
      INPUT_IMAGE: V2,
      'INPUT_HEALTH-URL': 'https://shop.example.com/health',
      'INPUT_HEALTH-SAMPLES': '1',
      ...inputs,
    }),
  )
}

describe('a deploy reports what the service runs at the end, after its health check', () => {
  it('reads the service again after a health check that failed: a crash during the check shows, not the state before it', async () => {
    let crashed = false
    const { platform } = deployingPlatform(() => (crashed ? { ready: 0, phase: 'failed', status: 'FAILED' } : RUNNING))
    // the service crashes while it is probed: the probe answers 503
    const result = await deployChecked(
      platform,
      () => {
        crashed = true
        return 503
      },
      { 'INPUT_ROLLBACK-ON-FAILURE': 'false' },
    )
    expect(result.failure).toContain('health check of https://shop.example.com/health failed')
    expect(result.rows).toContainEqual(['Runs now', `${V2} (FAILED)`])
  })

  it('when the read at the end fails, says so, with the read from before the health check as what it is', async () => {
    let reads = 0
    const { platform } = deployingPlatform(() => {
      // before, the deploy's read back, then the platform cannot be read any more
      if (++reads > 2) throw new Error('connection reset')
      return RUNNING
    })
    const result = await deployChecked(platform, () => 200)
    expect(result.failure).toBeUndefined()
    expect(result.rows).toContainEqual([
      'Runs now',
      `unknown: the platform could not be read after the health check (before it: ${V2} (RUNNING))`,
    ])
    expect(result.outputs.image).toBe(V2)
  })

  it('after a rollback, a read at the end that fails says only unknown: the read before the check no longer holds', async () => {
    const { platform, deploys } = deployingPlatform((_, sent) => {
      // unreadable from the rollback on
      if (sent > 1) throw new Error('connection reset')
      return RUNNING
    })
    const result = await deployChecked(platform, () => 503)
    expect(deploys()).toBe(2) // the rollback was sent
    expect(result.failure).toContain('health check of https://shop.example.com/health failed')
    expect(result.rows).toContainEqual(['Runs now', 'unknown: the platform could not be read'])
  })
})

describe("a failed deploy's rollback by the platform's own rollback is proven by the version", () => {
  /**
   * A deploy whose job fails after it applied its version (before it did, with `applies: false`:
   * the service still deploying on the version from before); the rollback's job succeeds and
   * leaves `versionAfter`.
   */
  function failingDeploy(versionAfter: string, applies = true) {
    let state: { image: string; version: string; phase?: string } = { image: V1, version: '2024.0101.00001' }
    const platform = {
      name: 'servicestage',
      capabilities: { ...WEIGHTED_CAPABILITIES, nativeRollback: true, undoWhileBusy: true },
      async describe(ref: ServiceRef) {
        return { id: ref.service, replicas: 1, ready: 1, phase: 'running', status: 'RUNNING', ...state }
      },
      async deploy(ref: ServiceRef, spec: DeploySpec): Promise<Operation> {
        state = applies ? { image: spec.image, version: '2024.0101.00002' } : { ...state, phase: 'deploying' }
        return { id: 'JOB-deploy', kind: 'deploy', ref, target: { image: spec.image } }
      },
      async rollback(ref: ServiceRef): Promise<Operation> {
        state = { image: versionAfter === '2024.0101.00001' ? V1 : state.image, version: versionAfter }
        return { id: 'JOB-rollback', kind: 'lifecycle', ref, target: {} }
      },
      async observe(op: Operation) {
        return op.id === 'JOB-deploy' ? { status: 'failed', detail: 'job FAILED' } : { status: 'succeeded', detail: 'job SUCCEEDED' }
      },
    } as unknown as Platform
    return platform
  }

  it('says rolled back when the service runs the version from before', async () => {
    const result = await deploy(releaseContext(failingDeploy('2024.0101.00001')), inputs())
    expect(result.outputs['rolled-back']).toBe('true')
  })

  it('says rolled back when the deploy never applied its version: the rollback ended its job, on the version from before', async () => {
    const result = await deploy(releaseContext(failingDeploy('2024.0101.00001', false)), inputs())
    expect(result.outputs['rolled-back']).toBe('true')
  })

  it("says not rolled back when the rollback's job succeeded but the service still runs the failed deploy's version", async () => {
    const result = await deploy(releaseContext(failingDeploy('2024.0101.00002')), inputs())
    expect(result.outputs['rolled-back']).toBe('false')
    expect(result.failure).toContain('JOB-rollback succeeded, but the service still runs version 2024.0101.00002')
  })
})

describe("a failed deploy of new variables alone (one image), on a platform with its own rollback (Rancher's launch config before)", () => {
  const STABLE = { MODE: 'stable' }

  /** The deploy sets the variables and fails; the platform's rollback brings STABLE back. `undone`: the platform had already put them back itself. */
  function failingVarsDeploy(undone = false) {
    let env: Record<string, string> = { ...STABLE }
    const rollbacks: string[] = []
    const platform = {
      name: 'rancher',
      capabilities: { ...WEIGHTED_CAPABILITIES, nativeRollback: true, undoWhileBusy: true },
      async describe(ref: ServiceRef) {
        return { id: ref.service, image: V1, env, replicas: 1, ready: 1, phase: 'running', status: 'active' }
      },
      async deploy(ref: ServiceRef, spec: DeploySpec): Promise<Operation> {
        env = undone ? env : { ...env, ...spec.env?.vars }
        return { id: 'upgrade:1s5', kind: 'deploy', ref, target: { image: spec.image } }
      },
      async rollback(ref: ServiceRef): Promise<Operation> {
        rollbacks.push(ref.service)
        env = { ...STABLE }
        return { id: 'rollback:1s5', kind: 'deploy', ref, target: { image: V1, env: STABLE } }
      },
      async observe(op: Operation) {
        return op.id === 'upgrade:1s5'
          ? { status: 'failed', detail: 'upgrading (transitioning error)' }
          : { status: 'succeeded', detail: 'active' }
      },
    } as unknown as Platform
    return { platform, rollbacks, env: () => env }
  }
  const varsOnly = () => readDeployInputs({ ...JELASTIC_INPUTS, INPUT_SERVICE: 'shop', INPUT_IMAGE: V1, 'INPUT_ENV-VARS': 'MODE=canary' })

  it("is rolled back by the platform's own rollback, which puts the variables back", async () => {
    const { platform, rollbacks, env } = failingVarsDeploy()
    const result = await deploy(releaseContext(platform), varsOnly())
    expect(rollbacks).toEqual(['shop'])
    expect(env()).toEqual(STABLE)
    expect(result.failure).toContain(`; rolled back to ${V1} with the variables from before`)
    expect(result.outputs['rolled-back']).toBe('true')
  })

  it('is not rolled back when the service already runs the variables from before', async () => {
    const { platform, rollbacks } = failingVarsDeploy(true)
    const result = await deploy(releaseContext(platform), varsOnly())
    expect(rollbacks).toEqual([])
    expect(result.failure).toContain(`; not rolled back: the service still runs ${V1}`)
  })

  it('plans the rollback in a dry run', async () => {
    const { platform } = failingVarsDeploy()
    const result = await deploy({ ...releaseContext(platform), dryRun: true }, varsOnly())
    expect(result.plan?.onFailure).toEqual([
      expect.objectContaining({ operation: 'rollback', after: `${V1} with the variables from before` }),
    ])
  })
})

describe('a failed deploy of new variables alone on a platform that keeps versions (ServiceStage)', () => {
  const STABLE = { MODE: 'stable' }
  const OLDER = '2024.0101.00000'
  const OLD = '2024.0101.00001'
  const V0 = 'registry.example.com/shop:v0'
  const NEW = '2024.0101.00002'

  /**
   * The deploy's job fails: after it applied its version and the variables (`applies`), or before,
   * leaving the component FAILED on the version from before, or after it wrote the variables but
   * not yet the version (`varsFirst`); or it never ends (`stuck`: the component then shows
   * `stuckPhase`). `rollback_current` goes back one version from what runs now, or while the job
   * runs to the version it started from, with that version's variables unless `keepsVars`.
   */
  function versioned({
    applies = true,
    keepsVars = false,
    varsFirst = false,
    stuck = false,
    stuckPhase = 'unknown',
    lost = false,
    failedBefore = false,
    overshoots = false,
  } = {}) {
    let state = { version: OLD, image: V1, env: { ...STABLE }, phase: failedBefore ? 'failed' : 'running' }
    const rollbacks: string[] = []
    const targets: (string | undefined)[] = []
    const platform = {
      name: 'servicestage',
      capabilities: { ...WEIGHTED_CAPABILITIES, nativeRollback: true, undoWhileBusy: true },
      async describe(ref: ServiceRef) {
        return { id: ref.service, replicas: 1, ready: 1, status: state.phase.toUpperCase(), ...state }
      },
      async deploy(ref: ServiceRef, spec: DeploySpec): Promise<Operation> {
        if (lost) throw new NetworkError('socket hang up', 'ECONNRESET')
        const env = { ...state.env, ...spec.env?.vars }
        const phase = stuck ? stuckPhase : 'failed'
        state = varsFirst ? { ...state, env, phase } : applies ? { version: NEW, image: spec.image, env, phase } : { ...state, phase }
        return { id: 'JOB-deploy', kind: 'deploy', ref, target: { image: spec.image } }
      },
      async rollback(ref: ServiceRef, to?: string): Promise<Operation> {
        rollbacks.push(state.version)
        targets.push(to)
        const back = overshoots ? OLDER : (to ?? (stuck || state.version === NEW ? OLD : OLDER))
        state = { version: back, image: back === OLD ? V1 : V0, env: keepsVars ? state.env : { ...STABLE }, phase: 'running' }
        return { id: 'JOB-rollback', kind: 'lifecycle', ref, target: {} }
      },
      async observe(op: Operation) {
        if (op.id !== 'JOB-deploy') return { status: 'succeeded', detail: 'job SUCCEEDED' }
        return stuck ? { status: 'running', detail: 'job RUNNING' } : { status: 'failed', detail: 'job FAILED' }
      },
    } as unknown as Platform
    return { platform, rollbacks, targets, version: () => state.version }
  }
  const varsOnly = () =>
    readDeployInputs({ ...JELASTIC_INPUTS, INPUT_SERVICE: 'shop', INPUT_IMAGE: V1, 'INPUT_ENV-VARS': 'MODE=canary', INPUT_PROJECT: 'p1' })

  it('is rolled back to the version before, its variables proven back', async () => {
    const { platform, rollbacks, version } = versioned()
    const result = await deploy(releaseContext(platform), varsOnly())
    expect(rollbacks).toEqual([NEW])
    expect(version()).toBe(OLD)
    expect(result.failure).toContain(`; rolled back to ${V1} with the variables from before (restored MODE)`)
    expect(result.outputs['rolled-back']).toBe('true')
  })

  it('fails the rollback when the version went back but the variables did not: the version alone is not taken for them', async () => {
    const { platform } = versioned({ keepsVars: true })
    const result = await deploy(releaseContext(platform), varsOnly())
    expect(result.failure).toContain('JOB-rollback succeeded, but the service does not show the variables from before (MODE)')
    expect(result.outputs['rolled-back']).toBe('false')
  })

  it('sends no rollback when the job never applied its version: the component, failed, is on the version from before', async () => {
    const { platform, rollbacks, version } = versioned({ applies: false })
    const result = await deploy(releaseContext(platform), varsOnly())
    expect(rollbacks).toEqual([])
    expect(version()).toBe(OLD)
    expect(result.failure).toContain(`; not rolled back: the service is still on ${V1} with the variables from before (FAILED)`)
    expect(result.rows).toContainEqual(['Rolled back to', `not sent: it is still on ${V1} with the variables from before (FAILED)`])
    expect(result.outputs['rolled-back']).toBe('false')
  })

  it('sends no rollback when the job wrote the variables but not the version: the service is on the version from before', async () => {
    const { platform, rollbacks, version } = versioned({ varsFirst: true })
    const result = await deploy(releaseContext(platform), varsOnly())
    expect(rollbacks).toEqual([])
    expect(version()).toBe(OLD)
    expect(result.failure).toContain(
      `; not rolled back: the service shows other values than before for MODE on the version from before, ${OLD}: nothing of the deploy but its variables landed, and a rollback to the version it runs is not sent; deploy the variables as they were`,
    )
    expect(result.rows).toContainEqual(['Rolled back to', `not sent: the service is on ${OLD}, the version from before`])
    expect(result.outputs['rolled-back']).toBe('false')
  })

  it('sends no rollback when the deploy call got no answer and the component, failing before it, is on the version from before', async () => {
    const { platform, rollbacks } = versioned({ lost: true, failedBefore: true })
    const result = await deploy(releaseContext(platform), varsOnly())
    expect(rollbacks).toEqual([])
    expect(result.outputs['rolled-back']).toBe('false')
  })

  it('sends no rollback when the deploy call got no answer and the component runs as before: no job of it was ever seen', async () => {
    const { platform, rollbacks } = versioned({ lost: true })
    const result = await deploy(releaseContext(platform), varsOnly())
    expect(rollbacks).toEqual([])
    expect(result.failure).toContain(`; not rolled back: the service still runs ${V1} with the variables from before`)
  })

  for (const stuckPhase of ['unknown', 'running']) {
    it(`is rolled back when its job ran out of time (the component ${stuckPhase}): the rollback ends a job that may still run`, async () => {
      const { platform, rollbacks, version } = versioned({ stuck: true, applies: false, stuckPhase })
      // a deadline already past: the deploy's wait ends at its first read, out of time
      const result = await deploy({ ...releaseContext(platform), deadline: new Deadline(0) }, varsOnly())
      expect(result.failure).toContain('timed out')
      expect(rollbacks).toEqual([OLD])
      expect(version()).toBe(OLD)
      expect(result.outputs['rolled-back']).toBe('true')
    })
  }

  const grayInputs = () =>
    readDeployInputs({
      INPUT_PLATFORM: 'servicestage',
      'INPUT_API-URL': 'https://servicestage.example.com',
      INPUT_TOKEN: 'iam-token-0123456789',
      INPUT_PROJECT: 'p1',
      INPUT_APPLICATION: 'a1',
      INPUT_SERVICE: 'shop',
      INPUT_IMAGE: V2,
      'INPUT_GRAY-WEIGHT': '20',
    })
  const imageDeploy = () => readDeployInputs({ ...JELASTIC_INPUTS, INPUT_SERVICE: 'shop', INPUT_IMAGE: V2, INPUT_PROJECT: 'p1' })

  it('an image deploy whose job failed before it applied anything: no rollback, which would go back past the version from before', async () => {
    const { platform, rollbacks, version } = versioned({ applies: false })
    const result = await deploy(releaseContext(platform), imageDeploy())
    expect(rollbacks).toEqual([])
    expect(version()).toBe(OLD)
    expect(result.rows).toContainEqual(['Rolled back to', `not sent: it is still on ${V1} (FAILED)`])
    expect(result.outputs['rolled-back']).toBe('false')
  })

  it('an image deploy whose job ran out of time on a component shown running as before: the rollback ends the job', async () => {
    const { platform, rollbacks, version } = versioned({ stuck: true, applies: false, stuckPhase: 'running' })
    const result = await deploy({ ...releaseContext(platform), deadline: new Deadline(0) }, imageDeploy())
    expect(rollbacks).toEqual([OLD])
    expect(version()).toBe(OLD)
    expect(result.outputs['rolled-back']).toBe('true')
  })

  it('an image deploy rolled back further than the version from before: the rollback fails, naming both versions', async () => {
    const { platform, version } = versioned({ overshoots: true })
    const result = await deploy(releaseContext(platform), imageDeploy())
    expect(version()).toBe(OLDER)
    expect(result.failure).toContain(
      `JOB-rollback succeeded, but the service runs version ${OLDER} (${V0}), not the version from before, ${OLD}`,
    )
    expect(result.outputs['rolled-back']).toBe('false')
  })

  // "the version before" counts from what runs now: after a rollback by hand it would go forward
  it('rolls back by name to the version from before, never to one counted from what runs now', async () => {
    const { platform, targets, version } = versioned()
    const result = await deploy(releaseContext(platform), imageDeploy())
    expect(targets).toEqual([OLD])
    expect(version()).toBe(OLD)
    expect(result.outputs['rolled-back']).toBe('true')
  })

  it('a gray deploy whose job failed before its gray release opened is rolled back by name too: there is no gray release to abandon', async () => {
    const { platform, targets } = versioned()
    const gray = grayInputs()
    const withGrayShare = { ...platform, grayShare: async () => undefined } as unknown as Platform
    await deploy(releaseContext(withGrayShare), gray)
    expect(targets).toEqual([OLD])
  })

  for (const [what, grayShare] of [
    ['open', async () => 20],
    ['unreadable', async () => Promise.reject(new Error('connection reset'))],
  ] as const) {
    it(`a gray deploy whose gray release is ${what} is abandoned by the rollback to the version before (rollback_current)`, async () => {
      const { platform, targets } = versioned()
      await deploy(releaseContext({ ...platform, grayShare } as unknown as Platform), grayInputs())
      expect(targets).toEqual([undefined])
    })
  }
})
