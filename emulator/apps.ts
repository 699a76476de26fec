import type { ServerResponse } from 'node:http'
import { sendJson } from './http-util.js'

/**
 * Images marked unhealthy (their app answers 503), failing (their containers do not start) or
 * stuck (their containers start, crash and are restarted for ever: an operation deploying one
 * never ends, until the mark is lifted or the platform's own way out is taken).
 */
export class Images {
  readonly unhealthy = new Set<string>()
  readonly failing = new Set<string>()
  readonly stuck = new Set<string>()
  /** operations waiting for an image to be no longer stuck */
  private readonly waiting = new Map<string, Set<() => void>>()

  /** Marks an image stuck, or lifts the mark (what waits on it goes on). */
  setStuck(image: string, stuck: boolean): void {
    if (stuck) {
      this.stuck.add(image)
      return
    }
    this.stuck.delete(image)
    const waiting = this.waiting.get(image)
    this.waiting.delete(image)
    for (const wake of waiting ?? []) wake()
  }

  /** Resolves once `image` is no longer stuck (at once when it is not). No timer: nothing is kept alive. */
  unstuck(image: string): Promise<void> {
    if (!this.stuck.has(image)) return Promise.resolve()
    return new Promise((resolve) => {
      const waiting = this.waiting.get(image) ?? new Set()
      waiting.add(resolve)
      this.waiting.set(image, waiting)
    })
  }

  clear(): void {
    this.unhealthy.clear()
    this.failing.clear()
    for (const image of [...this.stuck]) this.setStuck(image, false)
  }
}

/** What every deployed app answers: its service name and image, 503 when the image is unhealthy. */
export function serveApp(
  res: ServerResponse,
  images: Images,
  service: string,
  image: string,
  extraHeaders: Record<string, string> = {},
): void {
  const healthy = !images.unhealthy.has(image)
  const version = image.slice(image.lastIndexOf(':') + 1)
  sendJson(res, healthy ? 200 : 503, { service, image, version, healthy }, { 'x-emulator-service': service, ...extraHeaders })
}
