import type { PlatformName } from '../inputs/platform-name.js'
import { createAlauda } from './alauda/adapter.js'
import { createJelastic } from './jelastic/adapter.js'
import { createNetease } from './netease/adapter.js'
import { createRancher } from './rancher/adapter.js'
import { createServiceStage } from './servicestage/adapter.js'
import type { Platform, PlatformConfig } from './platform.js'

const FACTORIES: Partial<Record<PlatformName, (config: PlatformConfig) => Platform>> = {
  jelastic: createJelastic,
  alauda: createAlauda,
  netease: createNetease,
  rancher: createRancher,
  servicestage: createServiceStage,
}

export class UnsupportedPlatformError extends Error {
  override name = 'UnsupportedPlatformError'
}

export function createPlatform(name: PlatformName, config: PlatformConfig): Platform {
  const factory = FACTORIES[name]
  if (!factory) {
    const ready = Object.keys(FACTORIES).join(', ')
    throw new UnsupportedPlatformError(`Platform "${name}" has no adapter in this version yet; ready: ${ready}.`)
  }
  return factory(config)
}
