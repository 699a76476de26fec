/**
 * The words the port and the inputs share: which platforms there are, what an adapter signs in
 * with, how a router may route. Beside the port, like source-version.ts, so that the inputs (which
 * parse into them) and the adapters (which take them) share them without an adapter importing the
 * inputs; constants and types only, importing nothing, so the input chunk loads nothing with them.
 */

export const PLATFORM_NAMES = ['jelastic', 'servicestage', 'alauda', 'netease', 'rancher'] as const
export type PlatformName = (typeof PLATFORM_NAMES)[number]

export const ROUTING_METHODS = ['round-robin', 'sticky-sessions', 'failover'] as const
export type RoutingMethod = (typeof ROUTING_METHODS)[number]

export interface Credentials {
  token?: string
  username?: string
  password?: string
  accessKey?: string
  secretKey?: string
}
