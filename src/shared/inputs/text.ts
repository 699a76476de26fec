import { badValue } from './input-error.js'

export const TEXT_MAX = 256

// what would break the log line, the summary or the release record the text is kept in
const CONTROL = /[\p{Cc}\u2028\u2029]/u

/** Free text on one line (a reason, a release's id, an expected value): no control characters. */
export function parseText(name: string, value: string): string {
  if (value.length > TEXT_MAX || CONTROL.test(value)) {
    throw badValue(name, value, `text on one line of up to ${TEXT_MAX} characters, without control characters`)
  }
  return value
}
