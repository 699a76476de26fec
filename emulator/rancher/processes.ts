/**
 * The states each service process starts from (rancher/cattle @82d154a5,
 * code/packaging/app-config/.../process/spring-process-context.xml, `service.*`). Cattle offers
 * an action in a resource's `actions` exactly when its process may start from the state the
 * resource is in, transitioning or not; any other call is refused as ActionNotAvailable.
 */
const STARTS: Record<string, readonly string[]> = {
  activate: ['inactive', 'restarting'],
  update: ['inactive', 'active', 'updating-active', 'finishing-upgrade', 'activating', 'canceling-upgrade', 'upgrading', 'rolling-back'],
  deactivate: ['restarting', 'active', 'activating', 'updating-inactive', 'updating-active'],
  remove: [
    'inactive',
    'registering',
    'active',
    'activating',
    'updating-inactive',
    'updating-active',
    'upgrading',
    'canceling-upgrade',
    'rolling-back',
    'deactivating',
    'requested',
    'canceled-upgrade',
    'upgraded',
    'finishing-upgrade',
    'restarting',
  ],
  upgrade: ['active', 'activating', 'inactive', 'updating-active'],
  continueupgrade: ['canceled-upgrade'],
  cancelupgrade: ['upgrading', 'finishing-upgrade'],
  rollback: ['upgrading', 'upgraded', 'canceled-upgrade'],
  finishupgrade: ['upgraded'],
  restart: ['active'],
}

/** The actions a service in `state` offers, in Cattle's process order. */
export function serviceActions(state: string): string[] {
  return Object.entries(STARTS)
    .filter(([, from]) => from.includes(state))
    .map(([action]) => action)
}
