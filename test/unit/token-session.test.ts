import { describe, expect, it } from 'vitest'
import type { HttpResponse } from '../../src/shared/http/client.js'
import { Redactor } from '../../src/shared/http/redactor.js'
import { TokenSession } from '../../src/shared/http/token-session.js'

const answer = (status: number): HttpResponse => ({ status, headers: {}, text: '', head: Buffer.alloc(0), size: 0 })

/** A platform that issues token-1, token-2 … and accepts only the newest one. */
function platform() {
  let issued = 0
  const exchanges: string[] = []
  const exchange = async (): Promise<string> => {
    await Promise.resolve()
    issued++
    exchanges.push(`token-${issued}-abcdefgh`)
    return `token-${issued}-abcdefgh`
  }
  const send = async (token: string): Promise<HttpResponse> => answer(token === `token-${issued}-abcdefgh` ? 200 : 401)
  return { exchange, send, exchanges }
}

describe('TokenSession', () => {
  it('signs in once for the calls a run starts side by side (Alauda signed in twice per traffic run)', async () => {
    const p = platform()
    const session = new TokenSession(undefined, p.exchange, new Redactor())
    const answers = await Promise.all([1, 2, 3].map(() => session.send(p.send, (r) => r.status === 401)))
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200])
    expect(p.exchanges).toHaveLength(1)
  })

  it('asks for a fresh token once when calls side by side are refused with the same expired one', async () => {
    const p = platform()
    const session = new TokenSession('given-token-abcdefgh', p.exchange, new Redactor())
    const answers = await Promise.all([1, 2].map(() => session.send(p.send, (r) => r.status === 401)))
    expect(answers.map((r) => r.status)).toEqual([200, 200])
    expect(p.exchanges).toHaveLength(1)
    // a later refusal of the token in use asks again
    await p.exchange()
    expect((await session.send(p.send, (r) => r.status === 401)).status).toBe(200)
    expect(p.exchanges).toHaveLength(3)
  })

  it('masks an issued token before any call uses it', async () => {
    const p = platform()
    const redactor = new Redactor()
    const session = new TokenSession(undefined, p.exchange, redactor)
    await session.send(
      async (token) => {
        expect(redactor.redact(`Bearer ${token}`)).not.toContain(token)
        return answer(200)
      },
      () => false,
    )
  })
})
