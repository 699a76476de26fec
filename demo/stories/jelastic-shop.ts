import type { Emulator } from '../../emulator/server.js'
import type { StepRun } from '../run-step.js'

/** What the Jelastic stories share: two environments behind a Traffic Distributor, and how to measure its split. */
export const router = { router: 'shop', blue: 'shop-blue', green: 'shop-green' }
export const V1 = 'registry.example.com/shop:v1'
export const V2 = 'registry.example.com/shop:v2'
export const V3 = 'registry.example.com/shop:v3'
export const V4 = 'registry.example.com/shop:v4'
export const V5 = 'registry.example.com/shop:v5'

/** a password, which the action exchanges for a session (signin) */
export function jelasticCredentials(emulator: Emulator): Record<string, string> {
  return { platform: 'jelastic', 'api-url': emulator.urls.jelastic, username: 'demo@example.com', password: 'demo-password' }
}

/** An environment's app, as the emulator serves it. */
export function envUrl(emulator: Emulator, envName: string, path = ''): string {
  return `${emulator.urls.jelastic}/env/${envName}/${path}`
}

/** Sends requests through the router as new users and counts which side answered. */
export async function measure(emulator: Emulator, count: number): Promise<{ blue: number; green: number }> {
  const seen = { blue: 0, green: 0 }
  for (let i = 0; i < count; i++) {
    const body = (await (await fetch(envUrl(emulator, router.router))).json()) as { service?: string }
    if (body.service === router.blue) seen.blue++
    if (body.service === router.green) seen.green++
  }
  return { blue: Math.round((seen.blue * 100) / count), green: Math.round((seen.green * 100) / count) }
}

/**
 * Runs a step while measuring, every few hundred milliseconds, the share `side` gets through the
 * router; returns the shares it held (seen twice in a row), in order.
 */
export async function watchSplit(
  emulator: Emulator,
  run: () => Promise<StepRun>,
  side: string,
  onShare: (share: number) => Promise<unknown> | undefined = () => undefined,
): Promise<{ run: StepRun; seen: number[] }> {
  const seen: number[] = []
  const measure = async () => {
    const counts = { blue: 0, green: 0 }
    for (let i = 0; i < 100; i++) {
      const body = (await (await fetch(envUrl(emulator, router.router))).json()) as { service?: string }
      if (body.service === router.blue) counts.blue++
      if (body.service === router.green) counts.green++
    }
    // gate probes go through the router too and take turns of their own: round to 5 points
    return Math.round((side === router.blue ? counts.blue : counts.green) / 5) * 5
  }
  let last = -1
  let done = false
  const sampler = (async () => {
    while (!done) {
      const share = await measure()
      if (share === last && seen.at(-1) !== share) {
        seen.push(share)
        await onShare(share)
      }
      last = share
    }
  })()
  const result = await run()
  done = true
  await sampler
  // where the step left the router stays: a last step held briefly (100% at the end of a canary)
  // is read once the step has ended, not only if two samples caught it while it ran
  const final = await measure()
  if (seen.at(-1) !== final) seen.push(final)
  // the share before the first write (0%) is the starting point, not a step
  return { run: result, seen: seen[0] === 0 ? seen.slice(1) : seen }
}

/** The canaries' traffic inputs: steps behind the health gate, probed through the router. */
export function canaryInputs(emulator: Emulator, live: string, idle: string): Record<string, string> {
  return {
    ...router,
    blue: live,
    green: idle, // the canary goes there
    // holds of 3 s: the story watches each step through the router (two samples of 100 requests
    // alike) and breaks v5 once it has 50%, which on a loaded machine took more than 1.5 s
    steps: '10:3s,50:3s,100',
    'health-url': envUrl(emulator, router.router, 'health'),
    'health-samples': '4',
    'health-interval': '150ms',
    'abort-scale-down-delay': '500ms',
  }
}
