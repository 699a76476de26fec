import type { PlatformName } from '../../src/shared/platforms/terms.js'
import { createAlauda } from '../../src/shared/platforms/alauda/adapter.js'
import { createJelastic } from '../../src/shared/platforms/jelastic/adapter.js'
import { createNetease } from '../../src/shared/platforms/netease/adapter.js'
import type { Platform, PlatformConfig } from '../../src/shared/platforms/platform.js'
import { createRancher } from '../../src/shared/platforms/rancher/adapter.js'
import { createServiceStage } from '../../src/shared/platforms/servicestage/adapter.js'

/** The adapters by name, created at once: unit tests build them without the product's dynamic imports. */
export const FACTORIES: Record<PlatformName, (config: PlatformConfig) => Platform> = {
  jelastic: createJelastic,
  servicestage: createServiceStage,
  alauda: createAlauda,
  netease: createNetease,
  rancher: createRancher,
}
