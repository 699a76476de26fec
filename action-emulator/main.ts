import { readEmulatorInputs } from '../src/shared/inputs/emulator.js'
import { InputError } from '../src/shared/inputs/input-error.js'
import { errorNow, logLine, saveStateNow, setOutputNow } from '../src/shared/report/commands.js'
import { seedEmulator, startEmulator } from './emulator-process.js'

/**
 * action-emulator: starts the bundled emulator of the five platforms in the background, waits
 * until it answers, seeds it, and outputs each platform's api-url and the control URL. The post
 * step stops it. A bad input or a refused seed fails the step with the emulator stopped.
 */
export async function run(): Promise<void> {
  let inputs
  try {
    inputs = readEmulatorInputs()
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    return fail(error.message)
  }
  let emulator
  try {
    emulator = await startEmulator(inputs.port, inputs.readyTimeoutMs)
  } catch (error) {
    return fail((error as Error).message)
  }
  saveStateNow('pid', String(emulator.pid))
  try {
    for (const { route, body } of inputs.seed) await seedEmulator(emulator.origin, route, body)
  } catch (error) {
    process.kill(emulator.pid)
    return fail((error as Error).message)
  }
  logLine(`emulator listening on ${emulator.origin} (pid ${emulator.pid}, log ${emulator.log}); seeded with ${inputs.seed.length} call(s)`)
  for (const [platform, url] of Object.entries(emulator.urls)) setOutputNow(`${platform}-api-url`, url)
  setOutputNow('control-url', `${emulator.origin}/_emulator`)
}

function fail(message: string): void {
  errorNow(message)
  process.exitCode = 1
}
