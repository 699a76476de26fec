// Preloaded with `node --import` into a bundle's run: appends the URL of every module the run
// loads (the bundle's chunks included) to the file LOAD_LOG names, and at exit Node's own internal
// modules loaded since (`internal:<id>`: the hooks do not see those, such as the undici behind
// Node's global WebSocket and fetch).
import { appendFileSync } from 'node:fs'
import { registerHooks } from 'node:module'

const log = process.env.LOAD_LOG
if (log) {
  const before = new Set(process.moduleLoadList)
  process.on('exit', () => {
    const internal = process.moduleLoadList.filter((name) => !before.has(name) && name.startsWith('NativeModule internal/'))
    appendFileSync(log, internal.map((name) => `internal:${name.slice('NativeModule internal/'.length)}\n`).join(''))
  })
  registerHooks({
    load(url, context, nextLoad) {
      appendFileSync(log, `${url}\n`)
      return nextLoad(url, context)
    },
  })
}
