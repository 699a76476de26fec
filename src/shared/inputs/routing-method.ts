import { parseChoice } from './choice.js'

export const ROUTING_METHODS = ['round-robin', 'sticky-sessions', 'failover'] as const
export type RoutingMethod = (typeof ROUTING_METHODS)[number]

export function parseRoutingMethod(value: string): RoutingMethod {
  return parseChoice('routing-method', value, ROUTING_METHODS)
}
