import { MockAgent } from 'undici'
import { describe, expect, it } from 'vitest'
import { LazyGitHubApi } from '../../src/shared/github/api.js'
import { HttpClient } from '../../src/shared/http/client.js'
import { Redactor } from '../../src/shared/http/redactor.js'

const ORIGIN = 'https://api.github.example'
const TOKEN = 'ghs_job_token_0123456789'
/** a secret the run learned, such as a session a platform issued */
const SECRET = 'sess-9f8e7d6c5b4a39281706'

/** A GitHub API whose requests land on a mock that keeps each request's JSON body. */
function setup(deadlineMs = 60_000) {
  const agent = new MockAgent()
  agent.disableNetConnect()
  const bodies: Record<string, unknown>[] = []
  /** an answer that keeps the request's body */
  const keep = (statusCode: number, data: object) => (request: { body?: unknown }) => {
    bodies.push(JSON.parse(String(request.body)) as Record<string, unknown>)
    return { statusCode, data, responseOptions: { headers: { 'content-type': 'application/json' } } }
  }
  const pool = agent.get(ORIGIN)
  const redactor = new Redactor()
  redactor.add(SECRET)
  const http = new HttpClient({ redactor, dispatcher: agent, backoff: { attempts: 1, baseMs: 0, capMs: 0 } })
  const api = new LazyGitHubApi({
    github: {
      token: TOKEN,
      environment: 'production',
      apiUrl: new URL(ORIGIN),
      repository: 'acme/shop',
      sha: 'a1b2c3',
      serverUrl: 'https://github.example',
    },
    http,
    deadline: () => Date.now() + deadlineMs,
    log: () => {},
  })
  return { api, pool, bodies, keep }
}

describe('what the actions send to GitHub', () => {
  it('has the secrets the run knows out of deployment descriptions, status descriptions and comments', async () => {
    const { api, pool, bodies, keep } = setup()
    pool.intercept({ path: '/repos/acme/shop/deployments', method: 'POST' }).reply(keep(201, { id: 1 }))
    pool.intercept({ path: '/repos/acme/shop/deployments/1/statuses', method: 'POST' }).reply(keep(201, { id: 2 }))
    pool.intercept({ path: '/repos/acme/shop/issues/7/comments', method: 'POST' }).reply(keep(201, { id: 3 }))
    pool.intercept({ path: '/repos/acme/shop/issues/comments/3', method: 'PATCH' }).reply(keep(200, { id: 3 }))
    const said = `the platform said: session ${SECRET} expired`
    await api.createDeployment({
      ref: 'a1b2c3',
      environment: 'production',
      description: said,
      payload: {},
      auto_merge: false,
      required_contexts: [],
      production_environment: true,
      transient_environment: false,
    })
    // the secret straddles GitHub's 140 characters: cut first, a piece of it would stay
    await api.createStatus(1, { state: 'failure', description: `${'x'.repeat(130)}${SECRET}` })
    await api.createComment(7, said)
    await api.updateComment(3, said)
    expect(bodies).toHaveLength(4)
    const sent = JSON.stringify(bodies)
    expect(sent).not.toContain(SECRET.slice(0, 10))
    expect(bodies[0]?.description).toBe(said.replace(SECRET, '***'))
    expect(bodies[1]?.description).toBe(`${'x'.repeat(130)}***`)
    expect(bodies[2]?.body).toBe(said.replace(SECRET, '***'))
  })

  it("has them out of GitHub's text answer before it is cut for the message", async () => {
    // no retry fits in the time left: the first answer is the error
    const { api, pool } = setup(500)
    // a proxy's error page that echoes the request, the token across GitHub's 200 characters
    pool.intercept({ path: '/repos/acme/shop/pulls/7', method: 'GET' }).reply(502, `${'x'.repeat(190)}token ${TOKEN}`, {
      headers: { 'content-type': 'text/plain' },
    })
    const error = (await api.getPull(7).catch((caught: unknown) => caught)) as Error
    expect(error.message).toMatch(/^GitHub answered HTTP 502/)
    expect(error.message).toContain('token ***')
    expect(error.message).not.toContain('token ghs')
  })
})
