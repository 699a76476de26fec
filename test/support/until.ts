/**
 * Polls until a check holds, or throws after `ms`: the bound only turns a condition that is never
 * reached into a failure; a test waits for what it needs, never for a fixed time.
 */
export async function until(check: () => Promise<boolean>, ms = 30_000, everyMs = 50): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached')
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}
