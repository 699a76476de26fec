import { describe, expect, it, vi } from 'vitest'
import { eventTransport, parseEvent, ServiceEvents } from '../../src/shared/platforms/rancher/events.js'
import type { EventSocket, SocketConstructor } from '../../src/shared/platforms/web-socket.js'

const TARGET = new URL('https://rancher.example.com/v2-beta/projects/1a5/subscribe')

/** A WebSocket the test drives: `opened` once made, then open/message/close by hand. */
class FakeSocket implements EventSocket {
  static made: FakeSocket[] = []
  readonly listeners = new Map<string, ((event: { data: unknown }) => void)[]>()
  closed = false

  constructor(
    readonly url: string,
    readonly init: { headers: Record<string, string> },
  ) {
    FakeSocket.made.push(this)
  }

  addEventListener(type: string, listener: (event: { data: unknown }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }

  emit(type: string, data?: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ data })
  }

  close(): void {
    this.closed = true
  }
}

const Fake = FakeSocket as unknown as SocketConstructor

function change(id: string, state: string): string {
  return JSON.stringify({ name: 'resource.change', resourceType: 'service', resourceId: id, data: { resource: { id, state } } })
}

async function opened(serviceId = '1s10'): Promise<{ events: ServiceEvents; socket: FakeSocket }> {
  FakeSocket.made = []
  const opening = ServiceEvents.open(Fake, TARGET, 'Basic abc', serviceId, { deadline: Date.now() + 60_000 })
  const socket = FakeSocket.made[0] as FakeSocket
  socket.emit('open')
  const events = await opening
  if (!(events instanceof ServiceEvents)) throw new Error(`did not open: ${events}`)
  return { events, socket }
}

describe('whether a Rancher wait uses the event stream', () => {
  it('not without a WebSocket (Node 20 has none)', () => {
    expect(eventTransport(TARGET, {}, undefined)).toEqual({ unusable: 'this Node has no WebSocket' })
  })

  it('not where the server is reached through a proxy: the WebSocket would go past it', () => {
    expect(eventTransport(TARGET, { HTTPS_PROXY: 'http://proxy:3128' }, Fake)).toEqual({ unusable: 'requests go through HTTPS_PROXY' })
    expect(eventTransport(TARGET, { https_proxy: 'not a url' }, Fake)).toEqual({ unusable: 'requests go through https_proxy' })
  })

  it('where no proxy applies to the server: none set, one for the other scheme, or NO_PROXY naming it', () => {
    expect(eventTransport(TARGET, {}, Fake)).toEqual({ socket: Fake })
    expect(eventTransport(TARGET, { HTTP_PROXY: 'http://proxy:3128' }, Fake)).toEqual({ socket: Fake })
    expect(eventTransport(TARGET, { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'example.com' }, Fake)).toEqual({ socket: Fake })
  })
})

describe('a subscription to a service’s changes', () => {
  it('opens with the API key as a header, never in the URL', async () => {
    const { socket } = await opened()
    expect(socket.url).toBe(TARGET.href)
    expect(socket.init).toEqual({ headers: { authorization: 'Basic abc' } })
  })

  it('is refused when the socket fails or closes before it opened, and closes it', async () => {
    for (const ending of ['error', 'close']) {
      FakeSocket.made = []
      const opening = ServiceEvents.open(Fake, TARGET, 'Basic abc', '1s10', { deadline: Date.now() + 60_000 })
      FakeSocket.made[0]?.emit(ending)
      expect(await opening).toBe('refused')
      expect(FakeSocket.made[0]?.closed).toBe(true)
    }
  })

  it('says why else it did not open: cut short by the time left, or cancelled', async () => {
    FakeSocket.made = []
    expect(await ServiceEvents.open(Fake, TARGET, 'Basic abc', '1s10', { deadline: Date.now() + 20 })).toBe('cut')
    expect(FakeSocket.made[0]?.closed).toBe(true)
    const cancel = new AbortController()
    const opening = ServiceEvents.open(Fake, TARGET, 'Basic abc', '1s10', { deadline: Date.now() + 60_000, signal: cancel.signal })
    cancel.abort()
    expect(await opening).toBe('cancelled')
    expect(await ServiceEvents.open(Fake, TARGET, 'Basic abc', '1s10', { deadline: Date.now() - 1 })).toBe('cut')
  })

  it('gives up opening after 5 s, or a quarter of the time left (a deploy opens it before its write)', async () => {
    vi.useFakeTimers()
    try {
      for (const [left, after, why] of [
        [60_000, 5000, 'slow'],
        [4000, 1000, 'cut'],
      ] as const) {
        let result: Awaited<ReturnType<typeof ServiceEvents.open>> | undefined
        void ServiceEvents.open(Fake, TARGET, 'Basic abc', '1s10', { deadline: Date.now() + left }).then((events) => (result = events))
        await vi.advanceTimersByTimeAsync(after - 1)
        expect(result, `${left} ms left`).toBeUndefined()
        await vi.advanceTimersByTimeAsync(1)
        expect(result, `${left} ms left`).toBe(why)
      }
    } finally {
      vi.useRealTimers()
    }
  })

  it('hands out the service’s own changes in order, not pings or other resources', async () => {
    const { events, socket } = await opened()
    socket.emit('message', '{"name":"ping"}')
    socket.emit('message', change('1s11', 'active'))
    socket.emit('message', change('1s10', 'upgrading'))
    socket.emit('message', 'not json')
    socket.emit('message', change('1s10', 'upgraded'))
    expect(await events.next(1000)).toEqual({ id: '1s10', state: 'upgrading' })
    expect(await events.next(1000)).toEqual({ id: '1s10', state: 'upgraded' })
    const waiting = events.next(1000)
    socket.emit('message', change('1s10', 'finishing-upgrade'))
    expect(await waiting).toEqual({ id: '1s10', state: 'finishing-upgrade' })
  })

  it('says quiet when nothing came in time, closed once the stream ended or the job was cancelled', async () => {
    const { events, socket } = await opened()
    expect(await events.next(10)).toBe('quiet')
    const cancel = new AbortController()
    const cancelled = events.next(60_000, cancel.signal)
    cancel.abort()
    expect(await cancelled).toBe('closed')
    const waiting = events.next(60_000)
    socket.emit('close')
    expect(await waiting).toBe('closed')
    expect(await events.next(60_000)).toBe('closed')
  })

  it('closes its socket when the wait is over', async () => {
    const { events, socket } = await opened()
    events.close()
    expect(socket.closed).toBe(true)
    expect(await events.next(60_000)).toBe('closed')
  })
})

describe('a resource.change message', () => {
  it('names its resource; one whose resource is another id, or none, carries no state', () => {
    expect(parseEvent(change('1s10', 'active'))).toEqual({ resourceId: '1s10', resource: { id: '1s10', state: 'active' } })
    expect(parseEvent(JSON.stringify({ name: 'resource.change', resourceId: '1s10', data: { resource: { id: '1s9' } } }))).toEqual({
      resourceId: '1s10',
    })
    expect(parseEvent(JSON.stringify({ name: 'resource.change', resourceId: '1s10', data: null }))).toEqual({ resourceId: '1s10' })
    expect(parseEvent('{"name":"ping"}')).toBeUndefined()
    expect(parseEvent('null')).toBeUndefined()
    expect(parseEvent(new ArrayBuffer(2))).toBeUndefined()
  })
})
