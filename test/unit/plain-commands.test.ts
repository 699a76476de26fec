import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  debugNow,
  endGroup,
  errorNow,
  logLine,
  maskNow,
  saveStateNow,
  setOutputNow,
  startGroup,
  useWorkflowCommands,
  warningNow,
} from '../../src/shared/report/commands.js'

/** What the commands write to stdout and stderr, with stderr a terminal or not. */
function captured(tty: boolean, body: () => void): { stdout: string; stderr: string } {
  let stdout = ''
  let stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true))
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true))
  const wasTTY = process.stderr.isTTY
  process.stderr.isTTY = tty
  try {
    body()
  } finally {
    process.stderr.isTTY = wasTTY
    out.mockRestore()
    err.mockRestore()
  }
  return { stdout, stderr }
}

describe('report/commands.ts without workflow commands (paas-release)', () => {
  beforeEach(() => {
    useWorkflowCommands(false)
    vi.stubEnv('NO_COLOR', '')
    vi.stubEnv('PAAS_DEBUG', '')
  })
  afterEach(() => {
    useWorkflowCommands(true)
    vi.unstubAllEnvs()
  })

  it('writes plain lines to stderr only: a header per group, error: and warning: lines; no mask, no endgroup', () => {
    const { stdout, stderr } = captured(false, () => {
      maskNow('a-secret-value-0123')
      startGroup('deploy')
      logLine('image v1 → v2')
      endGroup()
      warningNow('slow')
      errorNow('it failed')
      debugNow('hidden')
    })
    expect(stdout).toBe('')
    expect(stderr).toBe('── deploy\nimage v1 → v2\nwarning: slow\nerror: it failed\n')
  })

  it('shows debug lines with PAAS_DEBUG=1', () => {
    vi.stubEnv('PAAS_DEBUG', '1')
    expect(captured(false, () => debugNow('shown')).stderr).toBe('debug: shown\n')
  })

  it('colours on a terminal only, and not with NO_COLOR', () => {
    expect(captured(true, () => errorNow('x')).stderr).toBe('\x1b[31merror:\x1b[0m x\n')
    vi.stubEnv('NO_COLOR', '1')
    expect(captured(true, () => errorNow('x')).stderr).toBe('error: x\n')
  })

  it('saves no state for a post step there is not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'state-'))
    try {
      const file = join(dir, 'state')
      writeFileSync(file, '')
      vi.stubEnv('GITHUB_STATE', file)
      saveStateNow('release', 'in-flight')
      expect(readFileSync(file, 'utf8')).toBe('')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('writes the workflow commands again when switched back', () => {
    useWorkflowCommands(true)
    expect(captured(false, () => startGroup('deploy')).stdout).toBe('::group::deploy\n')
  })

  it('writes outputs as core does: each under a delimiter of its own that its value does not hold', () => {
    const dir = mkdtempSync(join(tmpdir(), 'output-'))
    try {
      const file = join(dir, 'output')
      writeFileSync(file, '')
      vi.stubEnv('GITHUB_OUTPUT', file)
      setOutputNow('image', 'shop:v2')
      setOutputNow('plan', '{"writes": []}\nsecond line')
      const entries = [...readFileSync(file, 'utf8').matchAll(/^(\w+)<<(ghadelimiter_[0-9a-f]{26})\n([\s\S]*?)\n\2\n/gm)]
      expect(entries.map(([, name, , value]) => [name, value])).toEqual([
        ['image', 'shop:v2'],
        ['plan', '{"writes": []}\nsecond line'],
      ])
      expect(entries[0]?.[2]).not.toBe(entries[1]?.[2])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
