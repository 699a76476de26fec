import { MockAgent } from 'undici'
import { HttpClient } from '../../src/shared/http/client.js'
import { Redactor } from '../../src/shared/http/redactor.js'
import type { PlatformConfig } from '../../src/shared/platforms/platform.js'
import type { Credentials, PlatformName } from '../../src/shared/platforms/terms.js'
import { FACTORIES } from './platform-factories.js'

export interface SentRequest {
  method: string
  path: string
  /** the Authorization header ('' when none) */
  auth: string
  body: string
}

/**
 * An adapter on a MockAgent, as the action builds it (every credential in the redactor), with
 * `on` to answer a request and `sent` listing what the adapter sent; `extra.webSocket`, the
 * WebSocket an event stream opens with (none: waits read); `extra.deadline`, a deadline of its own.
 */
export function mockPlatform(
  name: PlatformName,
  origin: string,
  credentials: Credentials,
  deadlineMs = 60_000,
  extra: Partial<Pick<PlatformConfig, 'webSocket' | 'deadline'>> = {},
) {
  const agent = new MockAgent()
  agent.disableNetConnect()
  const redactor = new Redactor()
  for (const secret of [credentials.token, credentials.password, credentials.secretKey]) redactor.add(secret)
  const http = new HttpClient({ redactor, dispatcher: agent, sleep: async () => {}, backoff: { attempts: 3, baseMs: 1, capMs: 1 } })
  /** what the adapter warned the user of */
  const warnings: string[] = []
  const platform = FACTORIES[name]({
    apiUrl: new URL(origin),
    credentials,
    http,
    log: () => {},
    warn: (message) => warnings.push(message),
    deadline: () => Date.now() + deadlineMs,
    ...extra,
  })
  const pool = agent.get(origin)
  const sent: SentRequest[] = []
  /** answers `times` requests to `method path` with `status` and `reply` (JSON unless a string) */
  const on = (method: string, path: string, status: number, reply: unknown, times = 1) =>
    pool
      .intercept({ path, method })
      .reply(status, (options) => {
        const headers = options.headers as Record<string, string>
        sent.push({ method, path, auth: String(headers.authorization ?? ''), body: String(options.body ?? '') })
        return typeof reply === 'string' ? reply : JSON.stringify(reply)
      })
      .times(times)
  return { platform, on, sent, redactor, warnings }
}
