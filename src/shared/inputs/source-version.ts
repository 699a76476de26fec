import { badValue } from './input-error.js'

export const SOURCE_VERSION_MAX = 128

// a commit, tag or branch as git allows it: parts between '/' that start with a word character,
// and never '..' (git refuses it in a ref, and it must not read as a climbing path)
const PART = /^[\w][\w.-]*$/

/** What a NetEase app builds from: a commit, tag or revision. */
export function parseSourceVersion(name: string, value: string): string {
  if (value.length > SOURCE_VERSION_MAX || value.includes('..') || !value.split('/').every((part) => PART.test(part))) {
    throw badValue(name, value, `a commit, tag or revision of up to ${SOURCE_VERSION_MAX} letters, digits, '.', '_', '-' or '/'`)
  }
  return value
}
