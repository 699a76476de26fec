import { parseArgs } from 'node:util'
import { startEmulator } from './server.js'

/** `npm run emulator -- --port N` (or `--port=N`): starts the emulator and prints each platform's base URL. */
let portText: string
try {
  portText = parseArgs({ options: { port: { type: 'string', default: '8080' } } }).values.port ?? '8080'
} catch (error) {
  console.error(`${(error as Error).message}; usage: emulator [--port N]`)
  process.exit(1)
}
if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
  console.error(`--port has the value "${portText}"; allowed: a port number from 0 to 65535 (0 picks a free one).`)
  process.exit(1)
}
const emulator = await startEmulator(Number(portText))
console.log(`emulator listening on ${emulator.origin}`)
for (const [name, url] of Object.entries(emulator.urls)) console.log(`${name} ${url}`)
console.log(`control ${emulator.origin}/_emulator`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => emulator.close().then(() => process.exit(0)))
