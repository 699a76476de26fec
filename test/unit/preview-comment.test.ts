import { describe, expect, it } from 'vitest'
import { secrets } from '../../src/shared/http/secrets.js'
import { commentFailure } from '../../src/shared/release/preview.js'

describe("the PR comment's failure", () => {
  it('is redacted whole before it is cut: a secret across the cut leaves no part of itself', () => {
    const secret = 'hook-key-0123456789abcdef'
    // a secret the run learned after the message was made: it ends past the 300th character
    const failure = `${'x'.repeat(290)} ${secret} more\nthe service's own log line`
    secrets.add(secret)
    const shown = commentFailure(failure)
    expect(shown).toBe(`${'x'.repeat(290)} *** more`)
    expect(shown).not.toContain('hook-key')
  })

  it('shows only the first line, its table cells escaped, cut at 300 characters', () => {
    expect(commentFailure('a | b\nsecond line')).toBe('a \\| b')
    expect(commentFailure('y'.repeat(400))).toBe(`${'y'.repeat(300)}…`)
  })
})
