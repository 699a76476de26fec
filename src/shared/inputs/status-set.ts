import { badValue } from './input-error.js'

/** Expected HTTP statuses: "2xx", "200", or a list such as "200,204,3xx". */
export type StatusSet = (status: number) => boolean

export const STATUS_SET_MAX = 64

export function parseStatusSet(name: string, value: string): StatusSet {
  const parts = value.split(',').map((part) => part.trim().toLowerCase())
  const checks = parts.map((part): StatusSet | undefined => {
    if (/^[1-5]xx$/.test(part)) return (status) => Math.floor(status / 100) === Number(part[0])
    if (/^[1-5]\d\d$/.test(part)) return (status) => status === Number(part)
    return undefined
  })
  if (value.length > STATUS_SET_MAX || checks.some((check) => check === undefined)) {
    throw badValue(name, value, `status codes or classes such as 200, 2xx or 200,204, up to ${STATUS_SET_MAX} characters`)
  }
  return (status) => checks.some((check) => check?.(status))
}
