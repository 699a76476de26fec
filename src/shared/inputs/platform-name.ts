import { PLATFORM_NAMES, type PlatformName } from '../platforms/terms.js'
import { parseChoice } from './choice.js'

export function parsePlatformName(value: string): PlatformName {
  return parseChoice('platform', value, PLATFORM_NAMES)
}
