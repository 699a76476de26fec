// Preloaded with `node --import` into a bundle's run: appends the URL of every module the run
// loads (the bundle's chunks included) to the file LOAD_LOG names.
import { appendFileSync } from 'node:fs'
import { registerHooks } from 'node:module'

const log = process.env.LOAD_LOG
if (log) {
  registerHooks({
    load(url, context, nextLoad) {
      appendFileSync(log, `${url}\n`)
      return nextLoad(url, context)
    },
  })
}
