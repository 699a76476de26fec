// The committed emulator bundle (dist/emulator/index.js) under Node 24 on a free port, behind the
// bench's HTTPS front, with a helper for its control API.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { startFront } from './front.mjs'
import { NODE24, ROOT } from './node24.mjs'

export async function startEmulator(certificate) {
  const child = spawn(NODE24, [join(ROOT, 'dist/emulator/index.js'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const origin = await new Promise((resolve, reject) => {
    let text = ''
    child.stdout.on('data', (chunk) => {
      text += chunk
      const match = text.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)
      if (match) resolve(match[1])
    })
    child.on('exit', (code) => reject(new Error(`the emulator exited with ${code}`)))
  })
  const front = await startFront(origin, certificate)
  const control = async (method, path, body) => {
    const response = await fetch(`${origin}/_emulator${path}`, {
      method,
      ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    })
    if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${await response.text()}`)
    return response.json()
  }
  return {
    origin,
    front,
    control,
    /** POSTs every body to the control route, `concurrency` at a time (the control API has no batch form) */
    async seedMany(path, bodies, concurrency = 8) {
      let next = 0
      const worker = async () => {
        while (next < bodies.length) await control('POST', path, bodies[next++])
      }
      await Promise.all(Array.from({ length: concurrency }, worker))
    },
    async stop() {
      await front.close()
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
    },
  }
}
