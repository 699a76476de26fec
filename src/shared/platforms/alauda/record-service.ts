import { createHash } from 'node:crypto'
import { CLAIM_TTL_MS, inFlight, parseRecord, PlatformError, type RouterRef, type StoredRecord } from '../platform.js'
import { sameRelease } from '../record-label.js'
import { shareOf } from '../replica-split.js'
import { type SettleOptions, settleWrite } from '../settle.js'
import { segment } from '../path-segment.js'
import type { AlaudaApi } from './api.js'
import { serving } from './replica-split.js'
import { type AlaudaService, phaseOf } from './service.js'

/** the environment variable of the record service that holds the claim, as JSON */
export const RECORD_VARIABLE = 'PAAS_RELEASE_RECORD'
/** a claim is refreshed this often while the router cannot vouch for it (not split) */
const REFRESH_MS = CLAIM_TTL_MS / 3

/**
 * Alauda's release record. Its v1 services have no field that holds free text and can change
 * without a redeploy (platforms.md 3.2), so the record is a service of its own: created STOPPED
 * (it never runs an instance), from the stable side's image, with the claim in an environment
 * variable. Service names are unique in a namespace (source document: service_name 必须唯一),
 * so creating it is the claim itself: of two releases creating it in the same moment, one is
 * refused. It stays once the release has ended, in its last phase (so action-rollback knows the
 * side that served before), and the next release replaces it. What the record would keep besides
 * the claim is the router's own state: the weight is the two services' instances, and the time
 * the step was reached is when they last settled (`updated_at`).
 */
/**
 * the phases of a release that has ended (promoted, aborted, rolled back): its record stays, for
 * action-rollback to know the side that served before, and is no claim
 */
function ended(phase: string): boolean {
  return !inFlight(phase) && phase !== 'paused'
}

export class AlaudaRecords {
  constructor(
    private readonly api: AlaudaApi,
    private readonly settle: SettleOptions,
    private readonly sides: (router: RouterRef, operation: string) => Promise<[AlaudaService, AlaudaService]>,
  ) {}

  async read(router: RouterRef): Promise<StoredRecord | null> {
    const claim = await this.claim(router, 'read the release record')
    if (claim === null) return null
    const [blue, green] = await this.sides(router, 'read the release record')
    const weight = shareOf(serving(blue), serving(green))?.green ?? claim.weight
    const settled = [blue, green].every((side) => phaseOf(side) !== 'deploying')
    const times = [blue, green].map((side) => Date.parse(side.updated_at ?? '')).filter((time) => !Number.isNaN(time))
    const reachedAt = settled && times.length === 2 ? new Date(Math.max(...times)).toISOString() : undefined
    const record: StoredRecord = { ...claim, weight }
    if (reachedAt === undefined) delete record.stepReachedAt
    else record.stepReachedAt = reachedAt
    return record
  }

  /**
   * Creates the record service for a claim, refreshes it while the router is not split, keeps it
   * while the release is paused, and replaces it with the release's last phase as it ends (or is
   * aborted, whoever claimed). Every change is a delete and a create: the variable that holds it is
   * not among the fields an update takes (platforms.md 3.2). Another release's fresh claim is left
   * alone: the claim's read-back tells which one stands.
   */
  async write(router: RouterRef, record: StoredRecord): Promise<void> {
    const operation = 'write the release record'
    const current = await this.claim(router, operation)
    const ours = current !== null && sameRelease(current.release, record.release)
    if (ended(record.phase)) {
      // another release in flight keeps its claim, unless this ends it by hand (an abort); a
      // paused one is ended by whoever ends the release
      if (current !== null && !ours && record.phase !== 'aborted' && inFlight(current.phase)) return
      if (ours && current.phase === record.phase && current.step === record.step) return
      if (current !== null) await this.remove(router, current)
      return this.create(router, record)
    }
    if (current !== null && !ours && inFlight(current.phase) && Date.now() - Date.parse(current.updatedAt) < CLAIM_TTL_MS) return
    if (ours && current.phase === record.phase) {
      const split = record.weight > 0 && record.weight < 100
      if (split || Date.now() - Date.parse(current.updatedAt) < REFRESH_MS) return
      await this.remove(router, current)
      return this.create(router, { ...current, updatedAt: record.updatedAt })
    }
    if (current !== null) await this.remove(router, current)
    return this.create(router, record)
  }

  private async create(router: RouterRef, record: StoredRecord): Promise<void> {
    const operation = 'write the release record'
    const [stable] = await this.sides(router, operation)
    const name = recordServiceName(router)
    const body = {
      service_name: name,
      app_name: name,
      namespace: namespace(router),
      image_name: stable.image_name,
      image_tag: stable.image_tag,
      instance_size: 'XS',
      scaling_mode: 'MANUAL',
      target_state: 'STOPPED',
      target_num_instances: 1,
      instance_envvars: { [RECORD_VARIABLE]: JSON.stringify(record) },
      ...(stable.region?.name && { region_name: stable.region.name }),
    }
    const ours = (now: StoredRecord | null) => now !== null && now.release === record.release && now.updatedAt === record.updatedAt
    await settleWrite(
      `alauda: ${operation} of "${router.router}"`,
      {
        send: async () => {
          try {
            await this.api.call('POST', `/services/${segment(namespace(router))}/`, { operation, target: name, idempotent: false }, body)
          } catch (error) {
            // refused because another release created it first: its claim stands, the read-back tells
            if (!(error instanceof PlatformError && error.kind === 'refused') || (await this.claim(router, operation)) === null) throw error
          }
          return true
        },
        landed: async () => (ours(await this.claim(router, operation)) ? true : null),
      },
      this.settle,
    )
  }

  private async remove(router: RouterRef, was: StoredRecord): Promise<void> {
    const operation = 'delete the release record'
    const name = recordServiceName(router)
    await settleWrite(
      `alauda: ${operation} of "${router.router}"`,
      {
        send: async () => {
          try {
            // not repeated by the client: by then the name may hold another release's claim; the read settles it
            await this.api.call('DELETE', recordPath(router), { operation, target: name, idempotent: false })
          } catch (error) {
            // already gone: a DELETE repeated after it landed
            if (!(error instanceof PlatformError && error.kind === 'not-found')) throw error
          }
          return true
        },
        landed: async () => {
          const now = await this.claim(router, operation)
          return now === null || now.release !== was.release || now.updatedAt !== was.updatedAt ? true : null
        },
      },
      this.settle,
    )
  }

  /** The claim as the record service keeps it; null when there is none. */
  private async claim(router: RouterRef, operation: string): Promise<StoredRecord | null> {
    let service: AlaudaService
    try {
      service = await this.api.call<AlaudaService>('GET', recordPath(router), {
        operation,
        target: recordServiceName(router),
        idempotent: true,
      })
    } catch (error) {
      if (error instanceof PlatformError && error.kind === 'not-found') return null
      throw error
    }
    const variables = typeof service.instance_envvars === 'string' ? parseObject(service.instance_envvars) : service.instance_envvars
    return parseRecord(variables?.[RECORD_VARIABLE])
  }
}

/** One record service per router (its domain) in the namespace: a digest keeps the name within Alauda's grammar. */
export function recordServiceName(router: RouterRef): string {
  return `paas-release-${createHash('sha256').update(router.router).digest('hex').slice(0, 12)}`
}

function recordPath(router: RouterRef): string {
  return `/services/${segment(namespace(router))}/${segment(recordServiceName(router))}/`
}

function namespace(router: RouterRef): string {
  return router.project ?? ''
}

function parseObject(text: string): Record<string, string> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null ? (value as Record<string, string>) : undefined
  } catch {
    return undefined
  }
}
