import { logLine } from '../src/shared/report/commands.js'

/** The post step: stops the emulator the main step started (the runner would end it with the job anyway). */
export async function run(): Promise<void> {
  const pid = Number(process.env.STATE_pid)
  if (!Number.isInteger(pid) || pid <= 0) return
  try {
    process.kill(pid)
    logLine(`emulator (pid ${pid}) stopped`)
  } catch {
    // already gone
  }
}
