/**
 * The control routes a seed may call (`POST /_emulator/<route>`): what a workflow test needs to
 * exist before its release, and how the emulator should behave. The control API
 * (emulator/control.ts) serves each of them; action-emulator checks a seed against this list
 * before it starts anything.
 */
export const SEED_ROUTES = [
  'jelastic/environments',
  'jelastic/timing',
  'servicestage/components',
  'servicestage/timing',
  'alauda/services',
  'alauda/timing',
  'netease/apps',
  'netease/microservices',
  'netease/timing',
  'rancher/services',
  'rancher/load-balancers',
  'rancher/hosts',
  'rancher/schema',
  'rancher/timing',
  'images',
  'faults',
] as const

export type SeedRoute = (typeof SEED_ROUTES)[number]
