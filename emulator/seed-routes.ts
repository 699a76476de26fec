/**
 * The control routes a seed may call (`POST /_emulator/<route>`): what a workflow test needs to
 * exist before its release, and how the emulator should behave. Each is declared with `seed: true`
 * where it is served: in its platform's control module (emulator/<platform>/control.ts) or among
 * the common routes of emulator/control.ts; test/unit/emulator-control.test.ts holds this list to
 * those declarations. action-emulator checks a seed against this list before it starts anything
 * (a plain list: the action's bundle takes none of the emulator with it).
 */
export const SEED_ROUTES = [
  'jelastic/environments',
  'jelastic/timing',
  'servicestage/components',
  'servicestage/components/batch',
  'servicestage/timing',
  'alauda/services',
  'alauda/timing',
  'netease/apps',
  'netease/microservices',
  'netease/apps/batch',
  'netease/microservices/batch',
  'netease/timing',
  'rancher/services',
  'rancher/load-balancers',
  'rancher/hosts',
  'rancher/schema',
  'rancher/events',
  'rancher/timing',
  'images',
  'faults',
] as const

export type SeedRoute = (typeof SEED_ROUTES)[number]
