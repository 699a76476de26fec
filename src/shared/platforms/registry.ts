import type { PlatformName } from './terms.js'
import type { Platform, PlatformConfig } from './platform.js'

type Factory = (config: PlatformConfig) => Platform

/**
 * One dynamic import per platform: a run loads the chosen platform's adapter and no other (each
 * is its own chunk in the bundle), so the code before the first request is only what it needs.
 */
const LOADERS: Record<PlatformName, () => Promise<Factory>> = {
  jelastic: async () => (await import('./jelastic/adapter.js')).createJelastic,
  servicestage: async () => (await import('./servicestage/adapter.js')).createServiceStage,
  alauda: async () => (await import('./alauda/adapter.js')).createAlauda,
  netease: async () => (await import('./netease/adapter.js')).createNetease,
  rancher: async () => (await import('./rancher/adapter.js')).createRancher,
}

export async function createPlatform(name: PlatformName, config: PlatformConfig): Promise<Platform> {
  return (await LOADERS[name]())(config)
}
