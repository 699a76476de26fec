import { ROUTING_METHODS, type RoutingMethod } from '../platforms/terms.js'
import { parseChoice } from './choice.js'

export function parseRoutingMethod(value: string): RoutingMethod {
  return parseChoice('routing-method', value, ROUTING_METHODS)
}
