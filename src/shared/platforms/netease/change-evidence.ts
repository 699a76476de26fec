/**
 * Whether a change (an app's build, a microservice's update) leaves a lasting sign on
 * the service however it ends, so that its wait may leave a second before its first read: a
 * success replaces the containers from before, a failure turns the status to `*_fail`. Neither
 * lasts where there was no container, or where the status was a failure already: the change then
 * shows only while it runs (`creating`, `updating`), which a late first read could miss, and the
 * wait would never see it start.
 */
export function leavesLastingSign(before: ReadonlySet<string>, statusBefore: string | undefined): boolean {
  return before.size > 0 && !(statusBefore ?? '').endsWith('_fail')
}
