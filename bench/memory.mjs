// Peak RSS of a deploy run per platform, without and with a github-token (the runner's default):
// process.resourceUsage().maxRSS at exit (bench/support/probed-runs.mjs).
import { probedRuns } from './support/probed-runs.mjs'
import { PLATFORM_NAMES } from './support/platforms.mjs'

const RSS_TARGET_MB = 100

export async function measure(context) {
  const runs = await probedRuns(context)
  return PLATFORM_NAMES.map((name) => {
    const [plain, token] = [runs[name].rssKB, runs[`${name} token`].rssKB].map((kb) => kb / 1024)
    return {
      figure: `peak RSS: deploy, ${name} (no token / github-token)`,
      value: `${plain.toFixed(0)} / ${token.toFixed(0)} MB`,
      target: `≤ ${RSS_TARGET_MB} MB`,
      ok: Math.max(plain, token) <= RSS_TARGET_MB,
    }
  })
}
