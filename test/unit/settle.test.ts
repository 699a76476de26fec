import { describe, expect, it } from 'vitest'
import { NetworkError } from '../../src/shared/http/errors.js'
import { NotSentAgainError, PlatformError, ThrottledError } from '../../src/shared/platforms/platform.js'
import { type SettleOptions, settleWrite } from '../../src/shared/platforms/settle.js'

const lost = () => new NetworkError('POST /x: other side closed (UND_ERR_SOCKET)', 'UND_ERR_SOCKET')

function options(deadlineMs = 60_000) {
  const logs: string[] = []
  return { logs, deadline: () => Date.now() + deadlineMs, log: (m: string) => logs.push(m), sleep: async () => {}, random: () => 0.5 }
}

describe('settleWrite', () => {
  it('takes a write that landed from the state, and never sends it again', async () => {
    let sends = 0
    const o = options()
    const result = await settleWrite(
      'deploy',
      {
        send: async () => {
          sends++
          throw lost()
        },
        landed: async () => 'job-from-state',
      },
      o,
    )
    expect(result).toBe('job-from-state')
    expect(sends).toBe(1)
    expect(o.logs.join('\n')).toContain('shows it landed')
  })

  it('sends a write again when the state shows it did not land', async () => {
    let sends = 0
    const result = await settleWrite(
      'scale',
      {
        send: async () => {
          if (++sends === 1) throw new PlatformError('alauda', 'scale', 'web', 'HTTP 502: bad gateway', 'unavailable')
          return 'answered'
        },
        landed: async () => null,
      },
      options(),
    )
    expect(result).toBe('answered')
    expect(sends).toBe(2)
  })

  it('reads the state through its own passing failures', async () => {
    let reads = 0
    const result = await settleWrite(
      'deploy',
      {
        send: async () => {
          throw lost()
        },
        landed: async () => {
          if (++reads < 3) throw lost()
          return 'found'
        },
      },
      options(),
    )
    expect(result).toBe('found')
  })

  it('gives up with the first failure when the state cannot be read before the deadline', async () => {
    const first = lost()
    const error = await settleWrite(
      'deploy',
      {
        send: async () => {
          throw first
        },
        landed: async () => {
          throw lost()
        },
      },
      options(0),
    ).catch((e: unknown) => e)
    expect(error).toBe(first)
  })

  it('keeps the failure that used the time up when the deadline cuts the last send short', async () => {
    let sends = 0
    const end = Date.now() + 60_000
    let now = end - 60_000
    const throttled = new PlatformError('jelastic', 'scale', 'green', 'HTTP 429: too many requests', 'unavailable')
    const o = { ...options(), deadline: () => end }
    const realNow = Date.now
    Date.now = () => now
    try {
      const result = settleWrite(
        'scale',
        {
          send: async () => {
            if (++sends < 3) throw throttled
            // the last send gets what is left of the deadline, and it runs out
            now = end
            throw new NetworkError('POST /changetopology: no answer within 2 ms (TimeoutError)', 'TimeoutError')
          },
          landed: async () => null,
        },
        o,
      )
      await expect(result).rejects.toBe(throttled)
      expect(sends).toBe(3)
    } finally {
      Date.now = realNow
    }
  })

  /**
   * A write whose first send's answer is lost, read then as not landed, and whose send again is
   * refused (busy); every read after the refusal fails with `readFailure`.
   */
  async function refusedAgain(readFailure: () => Error, o: SettleOptions = options()) {
    const first = lost()
    const refused = new PlatformError('servicestage', 'deploy', 'shop', 'the component has a job in progress', 'refused')
    const counts = { sends: 0, reads: 0 }
    const error = await settleWrite(
      'deploy',
      {
        send: async () => {
          throw ++counts.sends === 1 ? first : refused
        },
        landed: async () => {
          if (++counts.reads === 1) return null
          throw readFailure()
        },
        settlesRefusal: true,
      },
      o,
    ).catch((e: unknown) => e)
    return { error, first, counts }
  }

  it('fails with the lost answer, not the refusal, when a send again is refused and the state cannot be read after it', async () => {
    let passed = false
    // the deadline passes during the reads after the refusal
    const run = await refusedAgain(
      () => {
        passed = true
        return lost()
      },
      { ...options(), deadline: () => (passed ? Date.now() - 1 : Date.now() + 60_000) },
    )
    // the first send may have landed: its lost answer says so, where the refusal would say nothing changed
    expect(run.error).toBe(run.first)
    expect(run.counts).toEqual({ sends: 2, reads: 2 })
  })

  it('fails with the lost answer when a send again is refused and the read after it is refused too', async () => {
    const run = await refusedAgain(() => new PlatformError('servicestage', 'deploy', 'shop', 'the token is no longer taken', 'auth'))
    expect(run.error).toBe(run.first)
    expect(run.counts.sends).toBe(2)
  })

  it('passes on a refusal at once: the platform answered', async () => {
    let reads = 0
    const refused = new PlatformError('servicestage', 'deploy', 'shop', 'version already used', 'refused')
    const error = await settleWrite(
      'deploy',
      {
        send: async () => {
          throw refused
        },
        landed: async () => {
          reads++
          return 'x'
        },
      },
      options(),
    ).catch((e: unknown) => e)
    expect(error).toBe(refused)
    expect(reads).toBe(0)
  })

  describe('a write a second send would do twice (unrepeatable)', () => {
    const unproven = (why: string) => new NotSentAgainError('servicestage', 'rollback', 'shop', why)

    /** A rollback_current whose send fails with `failure` (a lost answer unless given), its state read by `landed`. */
    async function rollbackCurrent(
      landed: (read: number) => Promise<string | null>,
      o: SettleOptions = options(),
      failure: Error = lost(),
    ) {
      let sends = 0
      let reads = 0
      const outcome = await settleWrite(
        'rollback',
        {
          send: async () => {
            sends++
            throw failure
          },
          landed: () => landed(++reads),
          unrepeatable: unproven,
        },
        o,
      ).catch((e: unknown) => e)
      return { outcome, sends, reads }
    }

    it('is never sent again: a late landing is found by reading again', async () => {
      const o = options()
      // the platform was still processing the request at the first reads (o keeps its log)
      const run = await rollbackCurrent(async (read) => (read < 4 ? null : 'job-landed-late'), o)
      expect(run).toEqual({ outcome: 'job-landed-late', sends: 1, reads: 4 })
      expect(o.logs.join('\n')).not.toContain('sending it again')
    })

    it('fails, saying it was not sent again, when the state never shows it', async () => {
      const run = await rollbackCurrent(async () => null)
      expect(run).toMatchObject({ sends: 1, reads: 6 })
      expect(run.outcome).toBeInstanceOf(NotSentAgainError)
      expect((run.outcome as PlatformError).kind).toBe('failed')
      expect((run.outcome as Error).message).toMatch(
        /^servicestage: rollback of "shop" failed: no answer \(POST \/x: other side closed \(UND_ERR_SOCKET\)\), and the platform's state shows no sign of it, or could not be read: it was not sent again/,
      )
    })

    it('fails as not sent again when the job is cancelled during its reads: the write is still in doubt', async () => {
      const controller = new AbortController()
      const run = await rollbackCurrent(
        async () => {
          controller.abort()
          return null
        },
        { ...options(), signal: () => controller.signal },
      )
      expect(run.reads).toBe(1)
      expect(run.outcome).toBeInstanceOf(NotSentAgainError)
      expect((run.outcome as Error).message).toContain("the job was cancelled before the platform's state showed whether it landed")
    })

    it('passes on a refusal, the throttling, and a send that never reached the platform: nothing is in doubt', async () => {
      const failures = [
        new PlatformError('servicestage', 'rollback', 'shop', 'snapshot not found', 'not-found'),
        new ThrottledError('servicestage', 'rollback', 'shop', 'APIG.0308: still throttled after every retry'),
        new NetworkError("the action's deadline (timeout) passed before the request could be sent", 'DEADLINE'),
        new NetworkError('POST /x: connect ECONNREFUSED 127.0.0.1:1 (ECONNREFUSED, after 5 attempts)', 'ECONNREFUSED'),
      ]
      for (const failure of failures) {
        expect(await rollbackCurrent(async () => null, options(), failure)).toEqual({ outcome: failure, sends: 1, reads: 0 })
      }
    })

    it('fails as not sent again when the state cannot be read until the deadline either: never the bare lost answer', async () => {
      const run = await rollbackCurrent(async () => {
        throw lost()
      }, options(0))
      expect(run.reads).toBe(1)
      expect(run.outcome).toBeInstanceOf(NotSentAgainError)
    })

    it('fails as not sent again when a read of the state is refused: a refusal of the read settles nothing', async () => {
      const inDoubt: boolean[] = []
      const run = await rollbackCurrent(
        async () => {
          throw new PlatformError('servicestage', 'read', 'shop', 'component not found', 'not-found')
        },
        { ...options(), inDoubt: (outstanding) => inDoubt.push(outstanding) },
      )
      expect(run).toMatchObject({ sends: 1, reads: 1 })
      expect(run.outcome).toBeInstanceOf(NotSentAgainError)
      expect((run.outcome as Error).message).toContain(
        'reading the platform\'s state was refused (servicestage: read of "shop" failed: component not found)',
      )
      expect(inDoubt).toEqual([true])
    })

    it('says it is in doubt while it is out, and until it is settled: a step killed meanwhile leaves it so', async () => {
      const marks = (o: SettleOptions) => {
        const said: boolean[] = []
        return { ...o, inDoubt: (outstanding: boolean) => said.push(outstanding), said }
      }
      const landedLate = marks(options())
      await rollbackCurrent(async (read) => (read < 2 ? null : 'job'), landedLate)
      expect(landedLate.said).toEqual([true, false])
      const neverShown = marks(options())
      await rollbackCurrent(async () => null, neverShown)
      expect(neverShown.said).toEqual([true])
      const refused = marks(options())
      await rollbackCurrent(
        async () => null,
        refused,
        new PlatformError('servicestage', 'rollback', 'shop', 'snapshot not found', 'not-found'),
      )
      expect(refused.said).toEqual([true, false])
    })

    it('reads no later than the deadline', async () => {
      const run = await rollbackCurrent(async () => null, options(0))
      expect(run.reads).toBe(1)
      expect((run.outcome as Error).message).toContain('it was not sent again')
    })
  })
})
