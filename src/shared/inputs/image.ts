import { badValue } from './input-error.js'

export interface ImageRef {
  /** repository with registry and path, e.g. registry.example.com/team/app */
  repository: string
  /** the tag, or the digest (`sha256:<64 hex>`) */
  tag: string
}

/** Docker's limit on a repository name, registry included (distribution/reference NameTotalLengthMax). */
export const REPOSITORY_MAX = 255

// The Docker reference grammar (distribution/reference): an optional registry host[:port], then
// lower-case path components joined by '/', each alphanumerics joined by one '.', one or two '_'
// or a run of '-'; a tag of word characters, '.' and '-'; a digest of sha256 and 64 hex digits.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const REPOSITORY = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`)
const TAG = /^[\w][\w.-]{0,127}$/
const DIGEST = /^sha256:[0-9a-f]{64}$/

const ALLOWED = `an image as repository:tag or repository@sha256:<64 hex digits>, such as nginx:1.27 (a lower-case repository of up to ${REPOSITORY_MAX} characters, with an optional registry host:port)`

/** `repository:tag` or `repository@sha256:…`; a digest is kept whole as the tag. */
export function parseImage(name: string, value: string): ImageRef {
  const at = value.indexOf('@')
  // the tag's ':' comes after the last '/', so a registry's port is never taken for a tag
  const colon = at === -1 ? value.lastIndexOf(':') : -1
  const split = at !== -1 ? at : colon > value.lastIndexOf('/') ? colon : -1
  const repository = split === -1 ? value : value.slice(0, split)
  const tag = split === -1 ? '' : value.slice(split + 1)
  const tagOk = at !== -1 ? DIGEST.test(tag) : TAG.test(tag)
  if (repository.length > REPOSITORY_MAX) {
    throw badValue(name, value, `a repository of at most ${REPOSITORY_MAX} characters (this one has ${repository.length})`)
  }
  if (!tagOk || !REPOSITORY.test(repository)) throw badValue(name, value, ALLOWED)
  return { repository, tag }
}

export function formatImage(image: ImageRef): string {
  return image.tag.startsWith('sha256:') ? `${image.repository}@${image.tag}` : `${image.repository}:${image.tag}`
}
