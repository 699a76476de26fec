import type { IncomingMessage, ServerResponse } from 'node:http'
import { delay } from './http-util.js'

/**
 * Faults injected through the control API. A rule matches requests by platform and path
 * substring and applies `count` times (or for ever when count is absent).
 */
export interface FaultRule {
  platform?: string
  path?: string
  count?: number
  /** answer with this HTTP status instead of the platform */
  status?: number
  retryAfter?: string
  /** wait this long before handling (or before the fault) */
  latencyMs?: number
  /** close the connection without an answer */
  drop?: boolean
  /** answer 200 with a body that is not JSON */
  malformed?: boolean
  /** end every session before this request is handled, as if they had expired */
  expireSessions?: boolean
  /** with `status`: a JSON body for the answer, in the platform's error shape */
  body?: unknown
}

export class Faults {
  private rules: FaultRule[] = []

  constructor(private readonly expireSessions: () => void) {}

  add(rule: FaultRule): void {
    this.rules.push({ ...rule })
  }

  clear(): void {
    this.rules = []
  }

  list(): FaultRule[] {
    return this.rules
  }

  /** Applies the first matching rule; true when the request was answered (or dropped) by it. */
  async apply(platform: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const rule = this.rules.find(
      (r) => (r.platform === undefined || r.platform === platform) && (r.path === undefined || path.includes(r.path)),
    )
    if (!rule) return false
    if (rule.count !== undefined && --rule.count <= 0) this.rules.splice(this.rules.indexOf(rule), 1)
    if (rule.latencyMs) await delay(rule.latencyMs)
    if (rule.expireSessions) this.expireSessions()
    if (rule.drop) {
      req.socket.destroy()
      return true
    }
    if (rule.malformed) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"result": 0, "env": {')
      return true
    }
    if (rule.status !== undefined) {
      const json = rule.body !== undefined
      res.writeHead(rule.status, {
        'content-type': json ? 'application/json' : 'text/html',
        ...(rule.retryAfter !== undefined && { 'retry-after': rule.retryAfter }),
      })
      res.end(json ? JSON.stringify(rule.body) : `<html><body><h1>${rule.status}</h1>injected by the emulator</body></html>`)
      return true
    }
    return false
  }
}
