import type { ServerResponse } from 'node:http'
import { sendJson } from './http-util.js'

/** Images marked unhealthy (their app answers 503) or failing (their containers do not start). */
export class Images {
  readonly unhealthy = new Set<string>()
  readonly failing = new Set<string>()

  clear(): void {
    this.unhealthy.clear()
    this.failing.clear()
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
