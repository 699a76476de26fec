import { describe, expect, it } from 'vitest'
import { NetworkError } from '../../src/shared/http/errors.js'
import { type OperationState, PlatformError } from '../../src/shared/platforms/platform.js'
import { Deadline } from '../../src/shared/release/deadline.js'
import { waitFor, waitForOperation } from '../../src/shared/release/waiter.js'
import { mockPlatform } from '../support/mock-platform.js'

/** A fake clock: sleeping moves time forward at once. */
function clock(start = 0) {
  let now = start
  const sleeps: number[] = []
  return {
    now: () => now,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason
      sleeps.push(ms)
      now += ms
    },
    sleeps,
  }
}

function states(...list: (OperationState | Error)[]) {
  let i = 0
  return async () => {
    const next = list[Math.min(i++, list.length - 1)] as OperationState | Error
    if (next instanceof Error) throw next
    return next
  }
}

const running = (detail = 'UPDATING'): OperationState => ({ status: 'running', detail })

describe('waitFor', () => {
  it('reads at once, then a second apart, counted from the start of the read before', async () => {
    const c = clock()
    const result = await waitFor(
      states(running(), running(), running(), running(), running(), { status: 'succeeded', detail: 'RUNNING' }),
      { deadline: 60_000, now: c.now, sleep: c.sleep },
    )
    expect(result).toEqual({ status: 'succeeded', detail: 'RUNNING', polls: 6 })
    expect(c.sleeps).toEqual([1000, 1000, 1000, 1000, 1000])
  })

  it('a slow answer does not push the next read later, nor bring two reads within a second', async () => {
    const c = clock()
    const reads: number[] = []
    const slowness = [300, 1500, 0, 0]
    const observe = async () => {
      reads.push(c.now())
      await c.sleep(slowness[reads.length - 1] ?? 0)
      return reads.length === 4 ? { status: 'succeeded' as const, detail: 'done' } : running()
    }
    await waitFor(observe, { deadline: 60_000, now: c.now, sleep: c.sleep, firstReadAfterMs: 1000 })
    // the second read took 1.5 s: the third follows at once, the fourth a second after the third
    expect(reads).toEqual([1000, 2000, 3500, 4500])
  })

  it('the first read after firstReadAfterMs: an operation of any length is noticed within a second of its end, at one read a second', async () => {
    for (const endsAt of [1000, 1001, 1999, 4321, 59_999]) {
      const c = clock()
      const reads: number[] = []
      const observe = async () => {
        reads.push(c.now())
        return c.now() >= endsAt ? { status: 'succeeded' as const, detail: 'done' } : running()
      }
      await waitFor(observe, { deadline: 600_000, now: c.now, sleep: c.sleep, firstReadAfterMs: 1000 })
      expect((reads.at(-1) as number) - endsAt).toBeLessThan(1000)
      expect(reads[0]).toBe(1000)
      // as many reads as whole seconds of waiting: never more than one a second
      expect(reads.length).toBeLessThanOrEqual((reads.at(-1) as number) / 1000)
    }
  })

  it('ends at the deadline with the last state it saw', async () => {
    const c = clock()
    const result = await waitFor(states(running('UPDATING, 1 of 3 nodes')), {
      deadline: 3000,
      now: c.now,
      sleep: c.sleep,
    })
    expect(result.status).toBe('timed out')
    expect(result.detail).toBe('UPDATING, 1 of 3 nodes')
    expect(c.now()).toBe(3000)
  })

  it('keeps the failure that used up the time, not the deadline that ended the last read', async () => {
    const c = clock()
    const gateway = new NetworkError('PUT /services/1s35: HTTP 500 from the gateway', 'UND_ERR_SOCKET')
    const late = new NetworkError("the action's deadline (timeout) passed before the request could be sent", 'DEADLINE')
    const result = await waitFor(states(gateway, gateway, late), { deadline: 2000, now: c.now, sleep: c.sleep })
    expect(result.status).toBe('timed out')
    expect(result.detail).toContain('HTTP 500 from the gateway')
  })

  it('never sleeps past the deadline', async () => {
    const c = clock()
    const result = await waitFor(states(running()), { deadline: 1500, now: c.now, sleep: c.sleep, firstReadAfterMs: 1000 })
    // the wait ends at the deadline, half a second after the read: none would be sent there
    expect(c.sleeps).toEqual([1000, 500])
    expect(result).toMatchObject({ status: 'timed out', polls: 1 })
  })

  it('a wait with less time left than its first pause reads at once', async () => {
    const c = clock()
    const reads: number[] = []
    const observe = async () => {
      reads.push(c.now())
      return { status: 'succeeded' as const, detail: 'done' }
    }
    const result = await waitFor(observe, { deadline: 600, now: c.now, sleep: c.sleep, firstReadAfterMs: 1000 })
    expect(result.status).toBe('succeeded')
    expect(reads).toEqual([0])
  })

  it('keeps waiting through a poll that could not reach the platform', async () => {
    const c = clock()
    const logs: string[] = []
    const result = await waitFor(states(new NetworkError('GET x: reset', 'ECONNRESET'), { status: 'succeeded', detail: 'ok' }), {
      deadline: 10_000,
      now: c.now,
      sleep: c.sleep,
      log: (m) => logs.push(m),
    })
    expect(result.status).toBe('succeeded')
    expect(logs).toEqual(['could not read the state: GET x: reset'])
  })

  it('passes on an error that is not a passing one', async () => {
    const c = clock()
    await expect(waitFor(states(new Error('bug')), { deadline: 10_000, now: c.now, sleep: c.sleep })).rejects.toThrow('bug')
  })

  it('ends as cancelled when the job is cancelled', async () => {
    const c = clock()
    const controller = new AbortController()
    let polls = 0
    const result = await waitFor(
      async () => {
        if (++polls === 2) controller.abort(new Error('SIGINT'))
        return running()
      },
      { deadline: 60_000, now: c.now, sleep: c.sleep, signal: controller.signal },
    )
    expect(result.status).toBe('cancelled')
    expect(polls).toBe(2)
  })
})

describe('Deadline', () => {
  it('counts down from the timeout and restarts with the same length', () => {
    let now = 1000
    const deadline = new Deadline(5000, () => now)
    expect(deadline.epochMs).toBe(6000)
    now = 7000
    expect(deadline.remainingMs()).toBe(0)
    deadline.restart()
    expect(deadline.remainingMs()).toBe(5000)
  })
})

describe('waitForOperation: an operation and the one that follows it (Rancher’s finishupgrade)', () => {
  const ORIGIN = 'http://rancher.example.com:8080'
  const P = '/v2-beta/projects/1a5'
  const SERVICE = `${P}/services/1s10`
  const V1 = 'registry.example.com/web:v1'
  const V2 = 'registry.example.com/web:v2'
  const OFFERED: Record<string, string[]> = { active: ['upgrade'], upgrading: ['rollback'], upgraded: ['finishupgrade', 'rollback'] }
  const web = (state: string, image = V2) => ({
    id: '1s10',
    name: 'web',
    state,
    transitioning: ['upgrading', 'finishing-upgrade'].includes(state) ? 'yes' : 'no',
    scale: 2,
    currentScale: 2,
    launchConfig: { imageUuid: `docker:${image}` },
    actions: Object.fromEntries((OFFERED[state] ?? []).map((name) => [name, `${ORIGIN}${SERVICE}?action=${name}`])),
  })

  /** An upgrade that takes `upgrading` reads to reach `upgraded`, then `finishing` reads to be active again. */
  async function upgrade(finish: boolean, upgrading: number, finishing: number) {
    const { platform, on, sent } = mockPlatform('rancher', ORIGIN, { accessKey: 'ak', secretKey: 'sk-secret' })
    on('GET', SERVICE, 200, web('active', V1))
    on('POST', `${SERVICE}?action=upgrade`, 202, web('upgrading'))
    const op = await platform.deploy(
      { service: '1s10', project: '1a5' },
      { image: V2, upgrade: { batchSize: 1, intervalMs: 2000, startFirst: false, finish } },
    )
    on('GET', SERVICE, 200, web('upgrading'), upgrading)
    on('GET', SERVICE, 200, web('upgraded'))
    on('POST', `${SERVICE}?action=finishupgrade`, 202, web('finishing-upgrade'))
    on('GET', SERVICE, 200, web('finishing-upgrade'), finishing)
    on('GET', SERVICE, 200, web('active'))
    sent.length = 0
    const c = clock()
    const result = await waitForOperation(platform, op, { deadline: 600_000, now: c.now, sleep: c.sleep })
    return { result, sleeps: c.sleeps, calls: sent.map((r) => `${r.method} ${r.path.replace(SERVICE, '')}`) }
  }

  it('sends the finish right after the read that shows upgraded, and waits for it with a fresh waiter', async () => {
    const { result, sleeps, calls } = await upgrade(true, 6, 3)
    expect(result).toMatchObject({ status: 'succeeded', detail: expect.stringContaining('active') })
    const finish = calls.indexOf('POST ?action=finishupgrade')
    // the read that showed `upgraded` is the last one before the finish: no status request between
    expect(calls.slice(finish - 1, finish + 1)).toEqual(['GET ', 'POST ?action=finishupgrade'])
    expect(calls.filter((call) => call.startsWith('POST'))).toHaveLength(1)
    // with no event stream, both waits read the service a second apart; the finish's first read
    // comes a second after it was sent, as a polled wait's does
    expect(sleeps).toEqual(Array(6 + 5).fill(1000))
    expect(result.polls).toBe(7 + 4)
  })

  it('with finish-upgrade false: upgraded is the end, no finish is sent', async () => {
    const { result, calls } = await upgrade(false, 2, 1)
    expect(result).toMatchObject({ status: 'succeeded', detail: expect.stringContaining('kept open') })
    expect(calls).toEqual(['GET ', 'GET ', 'GET '])
  })

  it('a follow-up the platform refuses fails the operation (the first changed the service: the release rolls it back), naming both', async () => {
    const c = clock()
    const platform = {
      name: 'netease' as const,
      observe: states({ status: 'succeeded', detail: 'update_succ, 2/2 container(s) with the new variables' }),
      followUp: async () => {
        throw new PlatformError('netease', 'deploy', 'api', 'another update is running (4030010)')
      },
    }
    const result = await waitForOperation(
      platform,
      { id: 'x', kind: 'deploy', ref: { service: 'api' }, target: {} },
      { deadline: 10_000, now: c.now, sleep: c.sleep },
    )
    expect(result.status).toBe('failed')
    expect(result.detail).toMatch(
      /^update_succ, 2\/2 container\(s\) with the new variables; then: netease: deploy of "api" failed: another update is running \(4030010\)/,
    )
  })

  it('a follow-up the platform could not answer (a 5xx) at the deadline has timed out, not failed', async () => {
    const c = clock()
    const platform = {
      name: 'netease' as const,
      observe: states({ status: 'succeeded', detail: 'update_succ' }),
      followUp: async () => {
        await c.sleep(20_000)
        throw new PlatformError('netease', 'deploy', 'api', 'HTTP 503', 'unavailable')
      },
    }
    const result = await waitForOperation(
      platform,
      { id: 'x', kind: 'deploy', ref: { service: 'api' }, target: {} },
      { deadline: 10_000, now: c.now, sleep: c.sleep },
    )
    expect(result.status).toBe('timed out')
  })

  it("where the platform's status is polled, the first read comes a second after the write; elsewhere at once", async () => {
    for (const polled of [true, false]) {
      const c = clock()
      const reads: number[] = []
      const platform = {
        name: 'alauda' as const,
        polls: () => polled,
        observe: async () => {
          reads.push(c.now())
          return reads.length === 2 ? { status: 'succeeded' as const, detail: 'Running' } : running()
        },
      }
      await waitForOperation(
        platform,
        { id: 'x', kind: 'deploy', ref: { service: 's' }, target: {} },
        { deadline: 60_000, now: c.now, sleep: c.sleep },
      )
      expect(reads).toEqual(polled ? [1000, 2000] : [0, 1000])
    }
  })

  it('an operation with nothing to follow it ends as its own wait does', async () => {
    const c = clock()
    const platform = { name: 'jelastic' as const, observe: states({ status: 'succeeded', detail: 'RUNNING' }) }
    const result = await waitForOperation(
      platform,
      { id: 'x', kind: 'deploy', ref: { service: 's' }, target: {} },
      {
        deadline: 10_000,
        now: c.now,
        sleep: c.sleep,
      },
    )
    expect(result).toEqual({ status: 'succeeded', detail: 'RUNNING', polls: 1 })
  })
})
