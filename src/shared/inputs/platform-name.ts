import { parseChoice } from './choice.js'

export const PLATFORM_NAMES = ['jelastic', 'servicestage', 'alauda', 'netease', 'rancher'] as const
export type PlatformName = (typeof PLATFORM_NAMES)[number]

export function parsePlatformName(value: string): PlatformName {
  return parseChoice('platform', value, PLATFORM_NAMES)
}
