import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import type { RequestLogEntry } from '../../emulator/server.js'
import { getText, keptAlive } from './http-get.js'
import { nodeForBundles } from './node24.js'
import { ROOT } from './runner.js'

export const JELASTIC_USER = { username: 'demo@example.com', password: 'demo-password' }
export const JELASTIC_TOKEN = 'jelastic-demo-token-0123456789'
export const ALAUDA_USER = { username: 'demo', password: 'alauda-demo-password' }
export const ALAUDA_TOKEN = 'alauda-demo-token-0123456789'

/** The committed emulator bundle, started on a free port, with helpers for its control API. */
export class EmulatorProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly origin: string,
  ) {}

  static async start(): Promise<EmulatorProcess> {
    const child = spawn(nodeForBundles(), [join(ROOT, 'dist/emulator/index.js'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
    const origin = await new Promise<string>((resolve, reject) => {
      let text = ''
      child.stdout?.on('data', (chunk) => {
        text += chunk
        const match = text.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)
        if (match) resolve(match[1] as string)
      })
      child.on('exit', (code) => reject(new Error(`emulator exited with ${code}`)))
    })
    return new EmulatorProcess(child, origin)
  }

  url(platform: string): string {
    return `${this.origin}/${platform}`
  }

  async control(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.origin}/_emulator${path}`, {
      method,
      ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    })
    if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${await response.text()}`)
    return response.json()
  }

  async jelasticEnv(envName: string, image: string, nodes = 1): Promise<void> {
    await this.control('POST', '/jelastic/environments', { envName, image, nodes })
  }

  /** Adds a fault rule (`POST /_emulator/faults`; see emulator/README.md, "Faults"). */
  async fault(rule: Record<string, unknown>): Promise<void> {
    await this.control('POST', '/faults', rule)
  }

  /** Marks an image (`repository:tag`, or `source@<version>`) unhealthy, failing or stuck, or lifts a mark with false. */
  async markImage(image: string, marks: { unhealthy?: boolean; failing?: boolean; stuck?: boolean }): Promise<void> {
    await this.control('POST', '/images', { image, ...marks })
  }

  /** The request log with the query and the fault that struck each request. */
  async requestLog(): Promise<RequestLogEntry[]> {
    return (await this.control('GET', '/requests')) as RequestLogEntry[]
  }

  async requests(): Promise<{ method: string; platform: string; path: string }[]> {
    return (await this.control('GET', '/requests')) as { method: string; platform: string; path: string }[]
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM')
    await new Promise((resolve) => this.child.once('exit', resolve))
  }
}

/** Sends `count` requests through a URL, one after another on one kept-alive connection, and counts answers by service. */
export async function measureSplit(url: string, count: number): Promise<Record<string, number>> {
  const agent = keptAlive()
  const counts: Record<string, number> = {}
  try {
    for (let i = 0; i < count; i++) {
      const { status, body } = await getText(url, agent)
      const key = (JSON.parse(body) as { service?: string }).service ?? `HTTP ${status}`
      counts[key] = (counts[key] ?? 0) + 1
    }
  } finally {
    agent.destroy()
  }
  return counts
}
