import { expect } from 'vitest'

/** Every fake GitHub started and not yet closed (test/support/github-server.ts). */
export const startedFakes = new Set<{ violations: unknown[] }>()

/** After each test (test/support/e2e-setup.ts): no fake may have seen or sent what GitHub's description lacks. */
export function expectNoGitHubViolations(): void {
  for (const fake of startedFakes) {
    const seen = fake.violations.splice(0)
    expect(seen, "requests or answers GitHub's OpenAPI description does not have").toEqual([])
  }
}
