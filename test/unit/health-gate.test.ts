import { describe, expect, it } from 'vitest'
import { HealthGate } from '../../src/shared/release/gate.js'
import type { ReleaseContext } from '../../src/shared/release/context.js'
import type { GateInputs } from '../../src/shared/inputs/health.js'

/** A probe client that answers the router's URL and refuses the candidate's. */
function context(): ReleaseContext {
  const probe = {
    send: async ({ url }: { url: URL }) => {
      if (url.pathname.includes('shop-green')) throw new Error('connect ECONNREFUSED')
      return { status: 200, text: 'ok' }
    },
  }
  return { probe, log: { info: () => {}, warning: () => {}, debug: () => {} } } as unknown as ReleaseContext
}

describe('the health gate', () => {
  it('counts probes in a row that could not run per URL: the router’s good answers do not hide a candidate that cannot be reached', async () => {
    const inputs = { url: new URL('http://127.0.0.1:9/env/shop/health'), samples: 3, expected: (status: number) => status === 200 }
    const gate = new HealthGate(context(), inputs as unknown as GateInputs, {
      url: 'http://127.0.0.1:9/env/shop-green/',
      service: 'shop-green',
      router: 'shop',
    })
    for (let round = 0; round < 3; round++) await gate.sample()
    expect(gate.current).toMatchObject({ samples: 6, errors: 3, consecutiveErrors: 3 })
  })
})
