import { request } from 'node:http'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../../emulator/server.js'

/**
 * The emulator's Rancher event stream as clients see it: plain HTTP for the refusals (before any
 * upgrade), Node's own WebSocket for a subscription.
 */

const BASIC = `Basic ${Buffer.from('rancher-demo-access:rancher-demo-secret-0123').toString('base64')}`
const HANDSHAKE = {
  upgrade: 'websocket',
  connection: 'Upgrade',
  'sec-websocket-version': '13',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
}
const SUBSCRIBE = '/rancher/v2-beta/projects/1a5/subscribe?eventNames=resource.change'

let emulator: Emulator

beforeAll(async () => {
  emulator = await startEmulator(0)
})
afterAll(() => emulator.close())
beforeEach(async () => {
  await fetch(`${emulator.origin}/_emulator/reset`, { method: 'POST' })
})

/** The answer to an opening handshake: its status, headers and body, or 101 and the accept key. */
function open(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${emulator.origin}${path}`, { headers })
    req.on('upgrade', (answer, socket) => {
      socket.destroy()
      resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body: '' })
    })
    req.on('response', (answer) => {
      let body = ''
      answer.on('data', (chunk) => (body += chunk))
      answer.on('end', () => resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

async function seed(): Promise<{ id: string }> {
  const answer = await fetch(`${emulator.origin}/_emulator/rancher/services`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ stack: 'shop', name: 'web', image: 'registry.example.com/web:v1', scale: 1 }),
  })
  return (await answer.json()) as { id: string }
}

describe('the emulated Rancher event stream', () => {
  it('completes a proper handshake with the RFC 6455 accept key', async () => {
    const answer = await open(SUBSCRIBE, { ...HANDSHAKE, authorization: BASIC })
    expect(answer.status).toBe(101)
    expect(answer.headers['sec-websocket-accept']).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=')
  })

  it('refuses as an HTTP answer, before any upgrade: the key, the project, the event names, the handshake', async () => {
    const refusals = [
      [SUBSCRIBE, HANDSHAKE, 401, 'Unauthorized'],
      [SUBSCRIBE, { ...HANDSHAKE, authorization: 'Basic bm86bm8=' }, 401, 'Unauthorized'],
      ['/rancher/v2-beta/projects/1a9/subscribe?eventNames=resource.change', { ...HANDSHAKE, authorization: BASIC }, 404, 'NotFound'],
      ['/rancher/v2-beta/projects/1a5/subscribe', { ...HANDSHAKE, authorization: BASIC }, 422, 'MissingRequired'],
      ['/rancher/v2-beta/projects/1a5/subscribe?eventNames=container.start', { ...HANDSHAKE, authorization: BASIC }, 422, 'InvalidOption'],
      [SUBSCRIBE, { ...HANDSHAKE, authorization: BASIC, 'sec-websocket-version': '8' }, 426, 'BadRequest'],
      [SUBSCRIBE, { ...HANDSHAKE, authorization: BASIC, 'sec-websocket-key': 'short' }, 400, 'BadRequest'],
    ] as const
    for (const [path, headers, status, code] of refusals) {
      const answer = await open(path, headers)
      expect([answer.status, JSON.parse(answer.body).code], `${path} ${JSON.stringify(headers)}`).toEqual([status, code])
    }
  })

  it('is refused while turned off', async () => {
    await fetch(`${emulator.origin}/_emulator/rancher/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"enabled":false}',
    })
    expect((await open(SUBSCRIBE, { ...HANDSHAKE, authorization: BASIC })).status).toBe(404)
  })

  it('sends a resource.change with the service as the API shows it when it changes; the subscribe is logged as a GET', async () => {
    const { id } = await seed()
    const Socket = (globalThis as unknown as { WebSocket: new (url: string, init: unknown) => WebSocket }).WebSocket
    const socket = new Socket(`${emulator.origin.replace('http:', 'ws:')}${SUBSCRIBE}`, { headers: { authorization: BASIC } })
    const messages: { name: string; resourceId: string; resourceType: string; data: { resource: { scale: number } } }[] = []
    const scaled = new Promise<void>((resolve) => {
      socket.addEventListener('message', (event) => {
        const message = JSON.parse(String(event.data))
        messages.push(message)
        if (message.data?.resource?.scale === 3) resolve()
      })
    })
    await new Promise((resolve) => socket.addEventListener('open', resolve))
    const put = await fetch(`${emulator.origin}/rancher/v2-beta/projects/1a5/services/${id}`, {
      method: 'PUT',
      headers: { authorization: BASIC, 'content-type': 'application/json' },
      body: '{"scale":3}',
    })
    const view = await put.json()
    await scaled
    socket.close()
    expect(messages[0]).toMatchObject({ name: 'resource.change', resourceType: 'service', resourceId: id, data: { resource: view } })
    const log = (await (await fetch(`${emulator.origin}/_emulator/requests`)).json()) as { method: string; path: string; query?: string }[]
    expect(log[0]).toEqual({
      method: 'GET',
      platform: 'rancher',
      path: '/v2-beta/projects/1a5/subscribe',
      query: '?eventNames=resource.change',
      at: expect.any(Number),
    })
  })
})
