import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../../emulator/server.js'

/** The emulator's hostile answers (disguise, hugeMB, echo), seen as a client sees them. */
const SERVICESTAGE = { 'x-auth-token': 'servicestage-demo-token-0123456789', 'content-type': 'application/json' }
const COMPONENTS = '/servicestage/v3/p1/cas/applications/a1/components'

let emulator: Emulator

beforeAll(async () => {
  emulator = await startEmulator(0)
})
afterAll(() => emulator.close())
beforeEach(async () => {
  await control('POST', '/reset')
})

async function control(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${emulator.origin}/_emulator${path}`, {
    method,
    ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  })
}

async function fault(rule: Record<string, unknown>): Promise<void> {
  const response = await control('POST', '/faults', rule)
  if (!response.ok) throw new Error(`fault refused: ${await response.text()}`)
}

describe('hostile answers', () => {
  it.each([
    ['html', 'text/html', (body: Buffer) => expect(body.toString()).toMatch(/^<!DOCTYPE html>/)],
    ['text', 'text/plain', (body: Buffer) => expect(body.toString()).toBe('OK\n')],
    ['gzip', 'application/json', (body: Buffer) => expect(JSON.parse(gunzipSync(body).toString())).toEqual({ result: 0, items: [] })],
    ['binary', 'application/octet-stream', (body: Buffer) => expect(body.includes(0x00)).toBe(true)],
  ])('disguise %s: HTTP 200 with a %s body that is not the platform JSON', async (disguise, type, check) => {
    await fault({ platform: 'servicestage', disguise })
    const response = await fetch(`${emulator.origin}${COMPONENTS}`, { headers: SERVICESTAGE })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe(type)
    check(Buffer.from(await response.arrayBuffer()))
  })

  it('hugeMB: a JSON array of that many MB, with no content-length', async () => {
    await fault({ platform: 'servicestage', hugeMB: 2 })
    const response = await fetch(`${emulator.origin}${COMPONENTS}`, { headers: SERVICESTAGE })
    expect(response.headers.get('content-length')).toBeNull()
    const body = await response.text()
    expect(body.length).toBeGreaterThanOrEqual(2 * 1024 * 1024)
    expect((JSON.parse(body) as unknown[]).at(-1)).toBe('end')
  })

  it("echo: the request's method, URL, headers and body in place of {request}, or as the whole text", async () => {
    await fault({ platform: 'servicestage', status: 400, echo: true, body: { error_code: 'X', error_msg: 'bad: {request}' }, count: 1 })
    const json = await fetch(`${emulator.origin}${COMPONENTS}?q=1`, { method: 'POST', headers: SERVICESTAGE, body: '{"name":"shop"}' })
    expect(json.status).toBe(400)
    const { error_msg: message } = (await json.json()) as { error_msg: string }
    expect(message).toMatch(new RegExp(`^bad: POST http://127\\.0\\.0\\.1:\\d+${COMPONENTS}\\?q=1\n`))
    expect(message).toContain('x-auth-token: servicestage-demo-token-0123456789')
    expect(message.endsWith('\n\n{"name":"shop"}')).toBe(true)
    await fault({ platform: 'servicestage', status: 502, echo: true, count: 1 })
    const text = await fetch(`${emulator.origin}${COMPONENTS}`, { headers: SERVICESTAGE })
    expect(text.headers.get('content-type')).toBe('text/plain')
    expect(await text.text()).toContain('x-auth-token: servicestage-demo-token-0123456789')
  })

  it.each([
    [{ echo: true }, 'echo goes with status'],
    [{ status: 500, echo: true, when: 'after' }, 'echo strikes before the request is handled'],
    [{ disguise: 'pdf' }, 'disguise has the value "pdf"; allowed: html, text, gzip, binary'],
    [{ hugeMB: 0 }, 'hugeMB must be a number of MB above 0'],
    [{ hugeMB: 5, disguise: 'html' }, 'a rule has one fault kind at most'],
  ])('refuses %j', async (rule, message) => {
    const response = await control('POST', '/faults', rule)
    expect(response.status).toBe(400)
    expect(((await response.json()) as { error: string }).error).toContain(message)
  })
})
