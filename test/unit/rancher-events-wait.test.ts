import { describe, expect, it } from 'vitest'
import { waitForOperation } from '../../src/shared/release/waiter.js'
import type { EventSocket, SocketConstructor } from '../../src/shared/platforms/web-socket.js'
import { mockPlatform } from '../support/mock-platform.js'

const ORIGIN = 'http://rancher.example.com:8080'
/** the address the event stream names the server by: another than the one the action reaches it at */
const INTERNAL = 'http://10.0.0.5:8080'
const P = '/v2-beta/projects/1a5'
const ref = { service: '1s10', project: '1a5' }
const V2 = 'registry.example.com/web:v2'

const OFFERED: Record<string, string[]> = {
  active: ['upgrade', 'restart', 'deactivate'],
  upgrading: ['cancelupgrade', 'rollback'],
  upgraded: ['finishupgrade', 'rollback'],
  'finishing-upgrade': [],
}

function web(state: string, origin = ORIGIN, image = V2) {
  const self = `${origin}${P}/services/1s10`
  return {
    id: '1s10',
    name: 'web',
    state,
    transitioning: state === 'active' || state === 'upgraded' ? 'no' : 'yes',
    scale: 1,
    currentScale: 1,
    launchConfig: { imageUuid: `docker:${image}` },
    links: { self },
    actions: Object.fromEntries((OFFERED[state] ?? []).map((name) => [name, `${self}?action=${name}`])),
  }
}

/** A stream that opens at once and then sends the changes `script` gives for each socket opened. */
function streamOf(script: ((socket: { send: (resource: unknown) => void }) => void)[]) {
  const opened: string[] = []
  const counts = { closed: 0 }
  class Scripted implements EventSocket {
    private readonly listeners = new Map<string, ((event: { data: unknown }) => void)[]>()
    constructor(url: string) {
      opened.push(url)
      const run = script[opened.length - 1]
      setTimeout(() => {
        this.emit('open')
        run?.({
          send: (resource) => this.emit('message', JSON.stringify({ name: 'resource.change', resourceId: '1s10', data: { resource } })),
        })
      }, 0)
    }
    addEventListener(type: string, listener: (event: { data: unknown }) => void): void {
      this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
    }
    private emit(type: string, data?: unknown): void {
      for (const listener of this.listeners.get(type) ?? []) listener({ data })
    }
    close(): void {
      counts.closed++
    }
  }
  return {
    opened,
    get closed() {
      return counts.closed
    },
    webSocket: () => Scripted as unknown as SocketConstructor,
  }
}

describe('a Rancher wait on the event stream', () => {
  it('opens the stream before the upgrade, takes the state from its events, and sends finishupgrade from the event’s resource to the API’s own address', async () => {
    // one stream for the whole deploy: the upgrade's end, then the finish's
    const stream = streamOf([
      (socket) => {
        setTimeout(() => socket.send(web('upgraded', INTERNAL)), 5)
        setTimeout(() => socket.send(web('active', INTERNAL)), 40)
      },
    ])
    const { platform, on, sent } = mockPlatform('rancher', ORIGIN, { accessKey: 'ak', secretKey: 'sk-secret' }, 60_000, {
      webSocket: stream.webSocket,
    })
    on('GET', `${P}/services/1s10`, 200, web('active', ORIGIN, 'registry.example.com/web:v1'))
    on('POST', `${P}/services/1s10?action=upgrade`, 202, web('upgrading'))
    on('POST', `${P}/services/1s10?action=finishupgrade`, 202, web('finishing-upgrade'))
    const op = await platform.deploy(ref, { image: V2 })
    const result = await waitForOperation(platform, op, { deadline: Date.now() + 30_000 })
    expect(result.status).toBe('succeeded')
    expect(stream.opened).toEqual([`ws://rancher.example.com:8080${P}/subscribe?eventNames=resource.change`])
    // no read in either wait: the stream was open before each write, whose answer is the state to start from
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${P}/services/1s10`,
      `POST ${P}/services/1s10?action=upgrade`,
      `POST ${P}/services/1s10?action=finishupgrade`,
    ])
    expect(stream.closed).toBe(1)
  })

  it('a stream opened before an upgrade whose wait never comes is closed with the platform, and with a write that failed', async () => {
    const stream = streamOf([() => {}, () => {}])
    const { platform, on } = mockPlatform('rancher', ORIGIN, { accessKey: 'ak', secretKey: 'sk-secret' }, 60_000, {
      webSocket: stream.webSocket,
    })
    on('GET', `${P}/services/1s10`, 200, web('active', ORIGIN, 'registry.example.com/web:v1'), 2)
    on('POST', `${P}/services/1s10?action=upgrade`, 202, web('upgrading'))
    // the flow ends before its wait (a failure, a cancel)
    await platform.deploy(ref, { image: V2 })
    expect(stream.closed).toBe(0)
    platform.close?.()
    expect(stream.closed).toBe(1)
    on('POST', `${P}/services/1s10?action=upgrade`, 422, { type: 'error', status: 422, code: 'InvalidState', message: 'nope' })
    await expect(platform.deploy(ref, { image: V2 })).rejects.toThrow(/nope/)
    expect(stream.opened).toHaveLength(2)
    expect(stream.closed).toBe(2)
  })

  it('does not take a change queued before the upgrade was sent (the stream was open while it was): neither a redeploy’s `active` nor an old error ends the wait', async () => {
    const stale = [web('active', INTERNAL), { ...web('active', INTERNAL, 'registry.example.com/web:v1'), transitioning: 'error' }]
    for (const before of stale) {
      const stream = streamOf([
        (socket) => {
          // as the stream opens, before the upgrade is sent
          socket.send(before)
          setTimeout(() => socket.send(web('upgraded', INTERNAL)), 20)
          setTimeout(() => socket.send(web('active', INTERNAL)), 60)
        },
      ])
      const { platform, on, sent } = mockPlatform('rancher', ORIGIN, { accessKey: 'ak', secretKey: 'sk-secret' }, 60_000, {
        webSocket: stream.webSocket,
      })
      // a redeploy of the image it runs (its variables changed)
      on('GET', `${P}/services/1s10`, 200, web('active'))
      on('POST', `${P}/services/1s10?action=upgrade`, 202, web('upgrading'))
      on('POST', `${P}/services/1s10?action=finishupgrade`, 202, web('finishing-upgrade'))
      const op = await platform.deploy(ref, { image: V2 })
      const result = await waitForOperation(platform, op, { deadline: Date.now() + 30_000 })
      expect(result.status, JSON.stringify(before)).toBe('succeeded')
      // the upgrade was seen to its end, `upgraded`, and finished
      expect(sent.map((r) => r.path)).toContain(`${P}/services/1s10?action=finishupgrade`)
    }
  })

  it('an upgrade answered with no body: the wait reads the service to start from', async () => {
    const stream = streamOf([
      (socket) => {
        setTimeout(() => socket.send(web('upgraded', INTERNAL)), 20)
        setTimeout(() => socket.send(web('active', INTERNAL)), 60)
      },
    ])
    const { platform, on, sent } = mockPlatform('rancher', ORIGIN, { accessKey: 'ak', secretKey: 'sk-secret' }, 60_000, {
      webSocket: stream.webSocket,
    })
    on('GET', `${P}/services/1s10`, 200, web('active', ORIGIN, 'registry.example.com/web:v1'))
    on('POST', `${P}/services/1s10?action=upgrade`, 202, '')
    on('GET', `${P}/services/1s10`, 200, web('upgrading'))
    on('POST', `${P}/services/1s10?action=finishupgrade`, 202, web('finishing-upgrade'))
    const op = await platform.deploy(ref, { image: V2 })
    const result = await waitForOperation(platform, op, { deadline: Date.now() + 30_000 })
    expect(result.status).toBe('succeeded')
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${P}/services/1s10`,
      `POST ${P}/services/1s10?action=upgrade`,
      `GET ${P}/services/1s10`,
      `POST ${P}/services/1s10?action=finishupgrade`,
    ])
  })

  it('a stream that did not open only for want of time is not tried again under that deadline, and is under a fresh one', async () => {
    class Silent implements EventSocket {
      static made = 0
      constructor() {
        Silent.made++
      }
      addEventListener(): void {}
      close(): void {}
    }
    // 200 ms left: the opening gives up after 50 ms; then a fresh deadline (a rollback's)
    let deadline = Date.now() + 200
    const { platform, on } = mockPlatform('rancher', ORIGIN, { accessKey: 'ak', secretKey: 'sk-secret' }, 100, {
      webSocket: () => Silent as unknown as SocketConstructor,
      deadline: () => deadline,
    })
    // whether each wait reads first a second after the write (a polled wait) or subscribes at once
    const polled: (boolean | undefined)[] = []
    for (const replicas of [2, 3, 4]) {
      if (replicas === 4) deadline = Date.now() + 200
      on('GET', `${P}/services/1s10`, 200, web('active'))
      on('PUT', `${P}/services/1s10`, 200, web('active'))
      on('GET', `${P}/services/1s10`, 200, { ...web('active'), scale: replicas, currentScale: replicas })
      const op = await platform.scale(ref, { replicas })
      polled.push(platform.polls?.(op))
      const result = await waitForOperation(platform, op, { deadline: Date.now() + 30_000, sleep: async () => {} })
      expect(result.status).toBe('succeeded')
    }
    expect(Silent.made).toBe(2)
    // the second wait, under the deadline the stream could not open in, is polled; the others try the stream
    expect(polled).toEqual([false, true, false])
  })

  it('a finish refused because an earlier send landed (the service is finishing): the finish goes on, nothing is rolled back', async () => {
    const stream = streamOf([
      (socket) => {
        setTimeout(() => socket.send(web('upgraded', INTERNAL)), 5)
        setTimeout(() => socket.send(web('active', INTERNAL)), 60)
      },
    ])
    const { platform, on } = mockPlatform('rancher', ORIGIN, { accessKey: 'ak', secretKey: 'sk-secret' }, 60_000, {
      webSocket: stream.webSocket,
    })
    on('GET', `${P}/services/1s10`, 200, web('active', ORIGIN, 'registry.example.com/web:v1'))
    on('POST', `${P}/services/1s10?action=upgrade`, 202, web('upgrading'))
    on('POST', `${P}/services/1s10?action=finishupgrade`, 422, {
      type: 'error',
      status: 422,
      code: 'ActionNotAvailable',
      message: 'Action finishupgrade not available',
    })
    on('GET', `${P}/services/1s10`, 200, web('finishing-upgrade'))
    const op = await platform.deploy(ref, { image: V2 })
    const result = await waitForOperation(platform, op, { deadline: Date.now() + 30_000, sleep: async () => {} })
    expect(result).toMatchObject({ status: 'succeeded', detail: expect.stringContaining('active') })
  })

  it('a stream that cannot be opened leaves this wait and the later ones to reads', async () => {
    class Refused implements EventSocket {
      static made = 0
      private readonly listeners: ((event: { data: unknown }) => void)[] = []
      constructor() {
        Refused.made++
        setTimeout(() => this.listeners.forEach((listener) => listener({ data: undefined })), 0)
      }
      addEventListener(type: string, listener: (event: { data: unknown }) => void): void {
        if (type === 'error') this.listeners.push(listener)
      }
      close(): void {}
    }
    const { platform, on } = mockPlatform('rancher', ORIGIN, { accessKey: 'ak', secretKey: 'sk-secret' }, 60_000, {
      webSocket: () => Refused as unknown as SocketConstructor,
    })
    on('GET', `${P}/services/1s10`, 200, web('active', ORIGIN, 'registry.example.com/web:v1'))
    on('PUT', `${P}/services/1s10`, 200, web('active'))
    on('GET', `${P}/services/1s10`, 200, { ...web('updating-active'), transitioning: 'yes' })
    on('GET', `${P}/services/1s10`, 200, { ...web('active'), scale: 2, currentScale: 2 })
    const op = await platform.scale(ref, { replicas: 2 })
    const result = await waitForOperation(platform, op, { deadline: Date.now() + 30_000, sleep: async () => {} })
    expect(result).toMatchObject({ status: 'succeeded', polls: 2 })
    expect(Refused.made).toBe(1)
  })
})
