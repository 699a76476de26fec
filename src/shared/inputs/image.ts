import { InputError, shown } from './input-error.js'

export interface ImageRef {
  /** repository with registry and path, e.g. registry.example.com/team/app */
  repository: string
  tag: string
}

/** `repo:tag`; a digest (`repo@sha256:...`) is kept whole as the tag. */
export function parseImage(name: string, value: string): ImageRef {
  const digest = value.match(/^([^@\s]+)@(sha256:[0-9a-f]{64})$/)
  if (digest) return { repository: digest[1] as string, tag: digest[2] as string }
  const match = value.match(/^([a-z0-9][a-z0-9._/-]*(?::\d+\/[a-z0-9._/-]+)?):([\w][\w.-]{0,127})$/i)
  if (!match) {
    throw new InputError(`Input "${name}" has the value ${shown(value)}; allowed: an image as repository:tag, such as nginx:1.27.`)
  }
  return { repository: match[1] as string, tag: match[2] as string }
}

export function formatImage(image: ImageRef): string {
  return image.tag.startsWith('sha256:') ? `${image.repository}@${image.tag}` : `${image.repository}:${image.tag}`
}
