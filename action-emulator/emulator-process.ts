import { spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

export interface StartedEmulator {
  pid: number
  origin: string
  /** each platform's api-url, as the emulator prints them */
  urls: Record<string, string>
  log: string
}

/**
 * Starts the bundled emulator (dist/emulator, beside this action's bundle) as a process of its
 * own that outlives the step: detached, its output in a log file, so the job's later steps can
 * call it. Resolves once it has printed its addresses and its control API answers.
 */
export async function startEmulator(port: number, readyTimeoutMs: number): Promise<StartedEmulator> {
  // the runner runs `node <this bundle>`: the emulator's bundle is its sibling folder
  const bundle = resolve(dirname(process.argv[1] ?? '.'), '..', 'emulator', 'index.js')
  const log = join(process.env.RUNNER_TEMP || tmpdir(), `paas-emulator-${process.pid}.log`)
  const out = openSync(log, 'a')
  const child = spawn(process.execPath, [bundle, '--port', String(port)], { detached: true, stdio: ['ignore', out, out] })
  closeSync(out)
  let exited: string | undefined
  child.on('exit', (code, signal) => (exited = `exited (${signal ?? `code ${code}`})`))
  child.unref()
  const until = Date.now() + readyTimeoutMs
  for (;;) {
    const started = exited === undefined ? addresses(readFileSync(log, 'utf8')) : undefined
    if (started !== undefined && (await answers(started.origin))) return { pid: child.pid as number, ...started, log }
    if (exited !== undefined) throw new Error(`the emulator ${exited} before it answered: ${tail(log)}`)
    if (Date.now() >= until) {
      child.kill()
      throw new Error(`the emulator did not answer within ${readyTimeoutMs} ms: ${tail(log)}`)
    }
    await sleep(50)
  }
}

/** What the emulator prints as it starts: `emulator listening on <origin>`, then `<platform> <url>` lines. */
function addresses(text: string): { origin: string; urls: Record<string, string> } | undefined {
  const origin = /^emulator listening on (\S+)$/m.exec(text)?.[1]
  if (origin === undefined || !/^control /m.test(text)) return undefined
  const urls = Object.fromEntries([...text.matchAll(/^(jelastic|servicestage|alauda|netease|rancher) (\S+)$/gm)].map((m) => [m[1], m[2]]))
  return { origin, urls }
}

async function answers(origin: string): Promise<boolean> {
  try {
    return (await fetch(`${origin}/_emulator/requests`, { signal: AbortSignal.timeout(1000) })).ok
  } catch {
    return false
  }
}

function tail(log: string): string {
  const text = readFileSync(log, 'utf8').trim()
  return text === '' ? 'it printed nothing' : text.slice(-500)
}

/** POSTs one seed body to a control route; the emulator's refusal is the error. */
export async function seedEmulator(origin: string, route: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${origin}/_emulator/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  })
  if (!response.ok)
    throw new Error(
      `seed "${route}" ${JSON.stringify(body).slice(0, 200)} was refused: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`,
    )
}
