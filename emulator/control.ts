import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Images } from './apps.js'
import { answer, type ControlBody, type ControlRoutes, type PlatformControl, refuse } from './control-route.js'
import type { Faults } from './faults.js'
import { readBody, sendJson } from './http-util.js'
import type { PLATFORMS, RequestLogEntry } from './server.js'

export type PlatformControls = Record<(typeof PLATFORMS)[number], PlatformControl>

export interface ControlTargets {
  faults: Faults
  images: Images
  requests: RequestLogEntry[]
  /** each platform's own control routes (emulator/<platform>/control.ts), its state and its reset */
  platforms: PlatformControls
}

/**
 * The control routes of no one platform, under `/_emulator/` itself: state, the request log,
 * reset, faults and image marks.
 */
export function commonRoutes(targets: ControlTargets): ControlRoutes {
  const { faults, images, requests, platforms } = targets
  return {
    'GET state': {
      handle: () =>
        answer({
          ...Object.fromEntries(Object.entries(platforms).map(([name, platform]) => [name, platform.state()])),
          images: { unhealthy: [...images.unhealthy], failing: [...images.failing], stuck: [...images.stuck] },
          faults: faults.list(),
        }),
    },
    'GET requests': { handle: () => answer(requests) },
    'DELETE requests': {
      handle() {
        requests.length = 0
        return answer({ ok: true })
      },
    },
    'POST reset': {
      handle() {
        for (const platform of Object.values(platforms)) platform.reset()
        images.clear()
        faults.clear()
        requests.length = 0
        return answer({ ok: true })
      },
    },
    'POST faults': {
      seed: true,
      handle(body) {
        const rule = faults.parse(body)
        if (typeof rule === 'string') return refuse(rule)
        faults.add(rule)
        return answer({ ok: true, faults: faults.list() })
      },
    },
    'DELETE faults': {
      handle() {
        faults.clear()
        return answer({ ok: true })
      },
    },
    'POST images': {
      seed: true,
      handle(body) {
        const image = String(body.image ?? '')
        // a NetEase app runs a source version, marked as source@<version>
        if (!image.includes(':') && !image.startsWith('source@')) return refuse('give "image" as repository:tag or source@<version>')
        for (const [flag, set] of [
          ['unhealthy', images.unhealthy],
          ['failing', images.failing],
        ] as const) {
          if (body[flag] === true) set.add(image)
          if (body[flag] === false) set.delete(image)
        }
        // lifting the mark lets what waits on the image go on
        if (typeof body.stuck === 'boolean') images.setStuck(image, body.stuck)
        return answer({
          ok: true,
          image,
          unhealthy: images.unhealthy.has(image),
          failing: images.failing.has(image),
          stuck: images.stuck.has(image),
        })
      },
    },
  }
}

/**
 * Every control route, keyed by `METHOD path` below `/_emulator/` (e.g. `POST jelastic/environments`),
 * with whether a seed may call it: the common routes, then each platform's under its name.
 */
export function controlRoutes(targets: ControlTargets): ControlRoutes {
  const routes: ControlRoutes = { ...commonRoutes(targets) }
  for (const [name, platform] of Object.entries(targets.platforms)) {
    for (const [key, route] of Object.entries(platform.routes)) {
      const [method, path] = key.split(' ')
      routes[`${method} ${name}/${path}`] = route
    }
  }
  return routes
}

/**
 * The control API under `/_emulator`: set up state, mark images unhealthy, inject faults, read
 * state and the request log. Not part of any platform; documented in emulator/README.md. The
 * first path segment names the platform whose control module (emulator/<platform>/control.ts)
 * serves the route; any other path is one of the common routes.
 */
export function controlApi(targets: ControlTargets): (path: string, req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const common = commonRoutes(targets)
  const platforms: Record<string, PlatformControl> = targets.platforms
  return async (path, req, res) => {
    const text = await readBody(req)
    let body: unknown
    try {
      body = text ? JSON.parse(text) : {}
    } catch {
      return sendJson(res, 400, { error: 'the control API takes JSON bodies' })
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      return sendJson(res, 400, { error: `the control API takes a JSON object as the body, not ${text.slice(0, 40)}` })
    const [, first = '', ...rest] = path.split('/')
    const [routes, key] = Object.hasOwn(platforms, first)
      ? [(platforms[first] as PlatformControl).routes, `${req.method} ${rest.join('/')}`]
      : [common, `${req.method} ${path.slice(1)}`]
    const route = Object.hasOwn(routes, key) ? routes[key] : undefined
    if (!route) return sendJson(res, 404, { error: `no control route ${req.method} ${path}` })
    const { status, body: reply } = route.handle(body as ControlBody)
    return sendJson(res, status, reply)
  }
}
