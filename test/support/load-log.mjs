// Preloaded with `node --import` into a bundle's run: appends the URL of every module the run
// loads (the bundle's chunks included) to the file LOAD_LOG names, and at exit Node's own modules
// loaded since (`internal:<id>`: the hooks do not see those, such as the undici behind Node's
// global WebSocket and fetch; `builtin:<id>` for public ones, which process.getBuiltinModule loads
// unseen by the hooks).
import { appendFileSync } from 'node:fs'
import { registerHooks } from 'node:module'

const log = process.env.LOAD_LOG
if (log) {
  const before = new Set(process.moduleLoadList)
  process.on('exit', () => {
    const since = process.moduleLoadList.filter((name) => !before.has(name) && name.startsWith('NativeModule '))
    // `builtin:<id>`: a public one loaded by process.getBuiltinModule, which the hooks do not see either
    const named = since.map((name) => name.slice('NativeModule '.length))
    appendFileSync(
      log,
      named.map((id) => (id.startsWith('internal/') ? `internal:${id.slice('internal/'.length)}\n` : `builtin:${id}\n`)).join(''),
    )
  })
  registerHooks({
    load(url, context, nextLoad) {
      appendFileSync(log, `${url}\n`)
      return nextLoad(url, context)
    },
  })
}
