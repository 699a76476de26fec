import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { encodeFrame, FrameReader, handshakeRefusal, OPCODES, switchingProtocols } from '../websocket.js'
import type { RancherState, Service } from './state.js'

/** The event names a subscription may ask for. */
const EVENT_NAMES = new Set(['resource.change', 'ping'])
/** How often a subscriber gets a `ping` keep-alive. */
const PING_MS = 5000

interface Subscriber {
  socket: Duplex
  projectId: string
  /** each service's view as last sent (or as it was when the subscription opened) */
  sent: Map<string, string>
  ping: NodeJS.Timeout
}

/**
 * Rancher's event stream, `GET /v2-beta/projects/{id}/subscribe?eventNames=resource.change`
 * upgraded to a WebSocket (platforms.md 5.1, as community clients use it): a
 * `{"name":"resource.change","resourceType":"service","resourceId":…,"data":{"resource":…}}` text
 * frame whenever a service of the project changes, its resource as the API shows it, and a
 * `{"name":"ping"}` every 5 s. Changes are coalesced: the views are compared, once per turn of the
 * event loop after a change, with what each subscriber was sent last.
 */
export class RancherEvents {
  /** off: every subscribe is refused (404), as where a server or its front does not serve it */
  enabled = true
  private readonly subscribers = new Set<Subscriber>()
  private flushing = false

  constructor(
    private readonly state: RancherState,
    private readonly view: (service: Service) => Record<string, unknown>,
  ) {
    state.onChange(() => this.changed())
  }

  /** A service may have changed: its subscribers are told, once the event loop turns. */
  changed(): void {
    if (this.flushing || this.subscribers.size === 0) return
    this.flushing = true
    setImmediate(() => {
      this.flushing = false
      for (const subscriber of this.subscribers) this.send(subscriber)
    })
  }

  /**
   * An upgrade request below `/rancher` (`path` without the prefix, with its query): refused as an
   * HTTP answer (401 without the API key, 404 for an unknown project or path, 422 for the event
   * names, 4xx for a handshake that is not one), or subscribed.
   */
  upgrade(path: string, req: IncomingMessage, socket: Duplex): void {
    const url = new URL(path, 'http://x')
    const match = url.pathname.match(/^\/v2-beta\/projects\/([^/]+)\/subscribe\/?$/)
    if (!match || !this.enabled) return refuse(socket, 404, 'NotFound', `no such resource: ${url.pathname}`)
    const [user, secret] = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
      .toString()
      .split(':')
    if (user === undefined || user === '' || this.state.keys.get(user) !== secret)
      return refuse(socket, 401, 'Unauthorized', 'Unauthorized')
    const projectId = decodeURIComponent(match[1] as string)
    if (!this.state.projects.has(projectId)) return refuse(socket, 404, 'NotFound', `project ${projectId} not found`)
    const names = url.searchParams.getAll('eventNames').flatMap((value) => value.split(','))
    if (names.length === 0) return refuse(socket, 422, 'MissingRequired', 'eventNames is required', 'eventNames')
    const foreign = names.find((name) => !EVENT_NAMES.has(name))
    if (foreign !== undefined) return refuse(socket, 422, 'InvalidOption', `no such event: ${foreign}`, 'eventNames')
    const wrong = handshakeRefusal(req)
    if (wrong) return refuse(socket, wrong.status, 'BadRequest', wrong.message, undefined, wrong.headers)
    socket.write(switchingProtocols(String(req.headers['sec-websocket-key'])))
    const subscriber: Subscriber = {
      socket,
      projectId,
      sent: new Map(this.services(projectId).map((service) => [service.id, JSON.stringify(this.view(service))])),
      ping: setInterval(() => socket.write(encodeFrame(OPCODES.text, Buffer.from('{"name":"ping"}'))), PING_MS),
    }
    subscriber.ping.unref()
    this.subscribers.add(subscriber)
    const reader = new FrameReader()
    const end = () => {
      clearInterval(subscriber.ping)
      this.subscribers.delete(subscriber)
    }
    socket.on('close', end)
    socket.on('error', () => socket.destroy())
    socket.on('data', (chunk: Buffer) => {
      const frames = reader.push(chunk)
      if ('error' in frames) return closeWith(socket, 1002)
      for (const frame of frames) {
        if (frame.opcode === OPCODES.close) return closeWith(socket, 1000)
        if (frame.opcode === OPCODES.ping) socket.write(encodeFrame(OPCODES.pong, frame.payload))
      }
    })
  }

  /** Every subscription ends (an emulator reset or stop). */
  closeAll(): void {
    for (const subscriber of this.subscribers) {
      clearInterval(subscriber.ping)
      subscriber.socket.destroy()
    }
    this.subscribers.clear()
  }

  private services(projectId: string): Service[] {
    return [...this.state.services.values()].filter((service) => service.projectId === projectId)
  }

  /** A resource.change for each service of the subscriber's project whose view is not what it was sent last. */
  private send(subscriber: Subscriber): void {
    for (const service of this.services(subscriber.projectId)) {
      const view = this.view(service)
      const text = JSON.stringify(view)
      if (subscriber.sent.get(service.id) === text) continue
      subscriber.sent.set(service.id, text)
      const event = {
        id: randomUUID(),
        name: 'resource.change',
        resourceType: view.type,
        resourceId: service.id,
        time: Date.now(),
        data: { resource: view },
      }
      subscriber.socket.write(encodeFrame(OPCODES.text, Buffer.from(JSON.stringify(event))))
    }
  }
}

/** An HTTP answer in place of the upgrade, in Cattle's error body; the connection then ends. */
function refuse(
  socket: Duplex,
  status: number,
  code: string,
  message: string,
  fieldName?: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({ id: randomUUID(), type: 'error', status, code, message, detail: null, ...(fieldName && { fieldName }) })
  const lines = [
    `HTTP/1.1 ${status} ${code}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ]
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`)
}

/** The server's close frame with its status code; the connection ends after it. */
function closeWith(socket: Duplex, code: number): void {
  const payload = Buffer.alloc(2)
  payload.writeUInt16BE(code)
  socket.end(encodeFrame(OPCODES.close, payload))
}
