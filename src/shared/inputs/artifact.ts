import { SOURCE_PREFIX } from '../platforms/source-version.js'
import { formatImage, parseImage } from './image.js'
import { InputError } from './input-error.js'
import { readOptional, readRequired } from './read.js'
import { parseSourceVersion } from './source-version.js'

/**
 * What a service is to run: `image`, or on NetEase (apps that build from source) `source-version`
 * instead, written `source@<version>`; one of the two. `required`: one must be given.
 */
export function readArtifact(platform: string, env: NodeJS.ProcessEnv, required: true): string
export function readArtifact(platform: string, env: NodeJS.ProcessEnv, required: boolean): string | undefined
export function readArtifact(platform: string, env: NodeJS.ProcessEnv, required: boolean): string | undefined {
  const version = readOptional('source-version', env)
  if (version === undefined) {
    const image = required ? readRequired('image', env) : readOptional('image', env)
    return image === undefined ? undefined : formatImage(parseImage('image', image))
  }
  if (platform !== 'netease') {
    throw new InputError(`Input "source-version" is set on platform "${platform}"; allowed: only on netease, whose apps build from source.`)
  }
  if (readOptional('image', env) !== undefined) {
    throw new InputError('Inputs "image" and "source-version" are both set; allowed: one of them (source-version for NetEase apps).')
  }
  return `${SOURCE_PREFIX}${parseSourceVersion('source-version', version)}`
}
