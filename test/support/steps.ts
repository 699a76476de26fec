import { afterAll, beforeAll } from 'vitest'
import { ALAUDA_TOKEN, ALAUDA_USER, EmulatorProcess, JELASTIC_TOKEN, JELASTIC_USER } from './emulator.js'
import { type ActionRun, runAction } from './runner.js'

/**
 * Runs steps and remembers everything they printed or left behind, together with every secret
 * the run knew of (credentials given, sessions the emulator handed out), for a final scan.
 */
export class StepRecorder {
  readonly runs: ActionRun[] = []
  readonly secrets = new Set<string>()

  constructor(
    private readonly emulator: EmulatorProcess,
    knownSecrets: string[],
  ) {
    for (const secret of knownSecrets) this.secrets.add(secret)
  }

  async run(
    action: Parameters<typeof runAction>[0],
    inputs: Record<string, string>,
    options?: Parameters<typeof runAction>[2],
  ): Promise<ActionRun> {
    const run = await runAction(action, inputs, options)
    this.runs.push(run)
    const state = (await this.emulator.control('GET', '/state')) as {
      jelastic: { sessions: string[] }
      alauda: { tokens: string[] }
      netease: { tokens: string[] }
    }
    for (const secret of [...state.jelastic.sessions, ...state.alauda.tokens, ...state.netease.tokens]) this.secrets.add(secret)
    return run
  }

  /** The secrets that appear anywhere in what the steps showed, other than in ::add-mask:: commands. */
  leaks(): string[] {
    const leaked: string[] = []
    for (const run of this.runs) {
      const shown = run.everything
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n')
      for (const secret of this.secrets) if (shown.includes(secret)) leaked.push(secret)
    }
    return leaked
  }
}

/**
 * A test file's emulator (the committed bundle, one per file) and a recorder of every step it
 * runs, for the final scan for secrets.
 */
export function emulatorSuite(): { emulator: EmulatorProcess; steps: StepRecorder } {
  const suite = {} as { emulator: EmulatorProcess; steps: StepRecorder }
  beforeAll(async () => {
    suite.emulator = await EmulatorProcess.start()
    suite.steps = new StepRecorder(suite.emulator, [
      JELASTIC_USER.password,
      JELASTIC_TOKEN,
      'servicestage-demo-token-0123456789',
      ALAUDA_TOKEN,
      ALAUDA_USER.password,
      'netease-demo-token-0123456789',
    ])
  })
  afterAll(async () => {
    await suite.emulator.stop()
  })
  return suite
}
