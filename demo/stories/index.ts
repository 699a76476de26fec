import type { PlatformDemo } from '../demo.js'
import { alaudaCredentials, alaudaInstanceSplit } from './alauda.js'
import { jelasticBlueGreen } from './jelastic-blue-green.js'
import { jelasticCanaryAbort } from './jelastic-canary-abort.js'
import { jelasticCanary } from './jelastic-canary.js'
import { jelasticRollback } from './jelastic-rollback.js'
import { jelasticCredentials } from './jelastic-shop.js'
import { neteaseCredentials, neteaseSourceBuilds } from './netease.js'
import { rancherCredentials, rancherUpgradeAndWebhook } from './rancher.js'
import { servicestageCredentials, servicestageGrayRelease } from './servicestage.js'

/** Each platform's demo (`--platform`): its stories, run in this order on one emulator. */
export const DEMOS = {
  jelastic: { credentials: jelasticCredentials, stories: [jelasticBlueGreen, jelasticRollback, jelasticCanary, jelasticCanaryAbort] },
  servicestage: { credentials: servicestageCredentials, stories: [servicestageGrayRelease] },
  alauda: { credentials: alaudaCredentials, stories: [alaudaInstanceSplit] },
  netease: { credentials: neteaseCredentials, stories: [neteaseSourceBuilds] },
  rancher: { credentials: rancherCredentials, stories: [rancherUpgradeAndWebhook] },
} satisfies Record<string, PlatformDemo>

export type DemoPlatform = keyof typeof DEMOS
