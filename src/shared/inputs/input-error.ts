/** A bad input: the message names the input, the value and what is allowed. */
export class InputError extends Error {
  override name = 'InputError'
}

/** How much of a value an error shows: enough to recognise it, too little to flood the log. */
export const SHOWN_MAX = 80

// controls (C0, DEL, C1), format characters (zero-width, bidi, BOM) and the line and paragraph
// separators: what would break a log line or make it read other than it is
const UNPRINTABLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu

/** Quotes a value for an error message: cut at SHOWN_MAX characters with "…", control characters escaped. */
export function shown(value: string): string {
  const cut = value.length > SHOWN_MAX ? `${value.slice(0, SHOWN_MAX - 1)}…` : value
  return JSON.stringify(cut).replace(UNPRINTABLE, (char) => {
    const code = (char.codePointAt(0) ?? 0).toString(16)
    return code.length <= 4 ? `\\u${code.padStart(4, '0')}` : `\\u{${code}}`
  })
}

/** The one shape of a refused value: `Input "<name>" has the value "<shown>"; allowed: <allowed>.` */
export function badValue(name: string, value: string, allowed: string): InputError {
  const length = value.length > SHOWN_MAX ? ` (${value.length} characters)` : ''
  return new InputError(`Input "${name}" has the value ${shown(value)}${length}; allowed: ${allowed}.`)
}
