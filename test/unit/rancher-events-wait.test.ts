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
    close(): void {}
  }
  return { opened, webSocket: () => Scripted as unknown as SocketConstructor }
}

describe('a Rancher wait on the event stream', () => {
  it('takes the state from the events, and sends finishupgrade from the event’s resource to the API’s own address', async () => {
    const stream = streamOf([
      (socket) => setTimeout(() => socket.send(web('upgraded', INTERNAL)), 5),
      (socket) => setTimeout(() => socket.send(web('active', INTERNAL)), 5),
    ])
    const { platform, on, sent } = mockPlatform('rancher', ORIGIN, { accessKey: 'ak', secretKey: 'sk-secret' }, 60_000, {
      webSocket: stream.webSocket,
    })
    on('GET', `${P}/services/1s10`, 200, web('active', ORIGIN, 'registry.example.com/web:v1'))
    on('POST', `${P}/services/1s10?action=upgrade`, 202, web('upgrading'))
    on('GET', `${P}/services/1s10`, 200, web('upgrading'))
    on('POST', `${P}/services/1s10?action=finishupgrade`, 202, web('finishing-upgrade'))
    on('GET', `${P}/services/1s10`, 200, web('finishing-upgrade'))
    const op = await platform.deploy(ref, { image: V2 })
    const result = await waitForOperation(platform, op, { deadline: Date.now() + 30_000 })
    expect(result.status).toBe('succeeded')
    expect(stream.opened).toEqual([
      `ws://rancher.example.com:8080${P}/subscribe?eventNames=resource.change`,
      `ws://rancher.example.com:8080${P}/subscribe?eventNames=resource.change`,
    ])
    // one read per wait: the one after the subscription
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${P}/services/1s10`,
      `POST ${P}/services/1s10?action=upgrade`,
      `GET ${P}/services/1s10`,
      `POST ${P}/services/1s10?action=finishupgrade`,
      `GET ${P}/services/1s10`,
    ])
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
