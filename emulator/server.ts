import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { AlaudaEmulator } from './alauda/api.js'
import { alaudaControl } from './alauda/control.js'
import { AlaudaState } from './alauda/state.js'
import { Images } from './apps.js'
import { NeteaseEmulator } from './netease/api.js'
import { neteaseControl } from './netease/control.js'
import { RancherEmulator } from './rancher/api.js'
import { rancherControl } from './rancher/control.js'
import { RancherState } from './rancher/state.js'
import { NeteaseState } from './netease/state.js'
import { controlApi, type ControlTargets } from './control.js'
import { Faults } from './faults.js'
import { sendJson } from './http-util.js'
import { JelasticEmulator } from './jelastic/api.js'
import { jelasticControl } from './jelastic/control.js'
import { JelasticState } from './jelastic/state.js'
import { ServiceStageEmulator } from './servicestage/api.js'
import { servicestageControl } from './servicestage/control.js'
import { ServiceStageState } from './servicestage/state.js'

export const PLATFORMS = ['jelastic', 'servicestage', 'alauda', 'netease', 'rancher'] as const

/** One platform request as the request log keeps it (`GET /_emulator/requests`). */
export interface RequestLogEntry {
  method: string
  platform: string
  /** below the platform's prefix, without the query */
  path: string
  /** the query, `?…`, when there is one */
  query?: string
  /** the fault that struck this request, e.g. "after drop" */
  fault?: string
  /** when it arrived, epoch ms: what a test can time the platform's side from */
  at: number
}

export interface Emulator {
  server: Server
  port: number
  origin: string
  /** each platform's API base URL */
  urls: Record<(typeof PLATFORMS)[number], string>
  close(): Promise<void>
}

/**
 * The platforms' states and APIs for an emulator at `origin()`, with the control API's targets
 * (each platform's control module among them).
 */
export function createParts(origin: () => string) {
  const images = new Images()
  const requests: RequestLogEntry[] = []
  const jelastic = new JelasticState('jelastic.emulator.test')
  const faults = new Faults(() => jelastic.sessions.clear(), PLATFORMS)
  const servicestage = new ServiceStageState()
  const servicestageApi = new ServiceStageEmulator(servicestage, images, () => `${origin()}/servicestage`)
  const jelasticApi = new JelasticEmulator(jelastic, images, () => `${origin()}/jelastic`)
  const rancher = new RancherState(images)
  const rancherApi = new RancherEmulator(rancher, images, () => `${origin()}/rancher`)
  const netease = new NeteaseState(images)
  const neteaseApi = new NeteaseEmulator(netease, images, () => `${origin()}/netease`)
  const alauda = new AlaudaState(images)
  const alaudaApi = new AlaudaEmulator(alauda, images, () => `${origin().replace(/^http:\/\//, '')}/alauda`)
  const targets: ControlTargets = {
    faults,
    images,
    requests,
    platforms: {
      jelastic: jelasticControl(jelastic, jelasticApi),
      servicestage: servicestageControl(servicestage, servicestageApi),
      alauda: alaudaControl(alauda, alaudaApi),
      netease: neteaseControl(netease, neteaseApi),
      rancher: rancherControl(rancher, rancherApi),
    },
  }
  return { faults, requests, jelasticApi, servicestageApi, alaudaApi, neteaseApi, rancherApi, targets }
}

/** Starts the emulator on 127.0.0.1 (port 0 picks a free one). */
export async function startEmulator(port = 0): Promise<Emulator> {
  let origin = ''
  const { faults, requests, jelasticApi, servicestageApi, alaudaApi, neteaseApi, rancherApi, targets } = createParts(() => origin)
  const handleControl = controlApi(targets)

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin)
    const [, platform = '', ...rest] = url.pathname.split('/')
    const path = `/${rest.join('/')}`
    const handle = async () => {
      if (platform === '_emulator') return handleControl(path, req, res)
      const method = req.method ?? 'GET'
      const rule = faults.take(platform, path + url.search, method)
      // what apps answer is not a platform request
      if (!/^\/(env|apps|domains|microservices|lb)\/|^\/services\/[^/]+\/?$/.test(path))
        requests.push({
          method,
          platform,
          path,
          ...(url.search !== '' && { query: url.search }),
          ...(rule && { fault: Faults.describe(rule) }),
          at: Date.now(),
        })
      const serve = async () => {
        if (platform === 'jelastic') return jelasticApi.handle(path, req, res, url)
        if (platform === 'servicestage') return servicestageApi.handle(path + url.search, req, res)
        if (platform === 'alauda') return alaudaApi.handle(path + url.search, req, res)
        if (platform === 'netease') return neteaseApi.handle(path + url.search, req, res)
        if (platform === 'rancher') return rancherApi.handle(path + url.search, req, res)
        sendJson(res, 404, { error: `the emulator does not serve ${platform || 'this path'} yet` })
      }
      // a handler's error is its answer (which an after-fault may replace)
      const dispatch = () =>
        serve().catch((error: Error) => {
          if (!res.headersSent) sendJson(res, 500, { error: error.message })
          else res.destroy()
        })
      if (!rule) return dispatch()
      return faults.apply(rule, req, res, dispatch)
    }
    handle().catch((error: Error) => {
      if (!res.headersSent) sendJson(res, 500, { error: error.message })
      else res.destroy()
    })
  })
  // a WebSocket opening handshake: Rancher's event stream is the only one served
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    const url = new URL(req.url ?? '/', origin)
    const [, platform = '', ...rest] = url.pathname.split('/')
    const path = `/${rest.join('/')}`
    // logged as the GET it is: it reads, and changes nothing
    const rule = faults.take(platform, path + url.search, 'GET')
    requests.push({
      method: 'GET',
      platform,
      path,
      ...(url.search !== '' && { query: url.search }),
      ...(rule && { fault: Faults.describe(rule) }),
      at: Date.now(),
    })
    socket.on('error', () => socket.destroy())
    // a fault takes the stream away: the subscription fails, as through a front that cut it
    if (platform !== 'rancher' || rule) return void socket.destroy()
    rancherApi.events.upgrade(path + url.search, req, socket)
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const actual = (server.address() as AddressInfo).port
  origin = `http://127.0.0.1:${actual}`
  const urls = Object.fromEntries(PLATFORMS.map((name) => [name, `${origin}/${name}`])) as Emulator['urls']
  return {
    server,
    port: actual,
    origin,
    urls,
    close: () =>
      new Promise((resolve) => {
        rancherApi.events.closeAll()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
