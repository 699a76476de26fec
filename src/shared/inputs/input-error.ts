/** A bad input: the message names the input, the value and what is allowed. */
export class InputError extends Error {
  override name = 'InputError'
}

/** How much of a value an error shows: enough to recognise it, too little to flood the log. */
export const SHOWN_MAX = 80

// controls (C0, DEL, C1), format characters (zero-width, bidi, BOM) and the line and paragraph
// separators: what would break a log line or make it read other than it is
const UNPRINTABLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu

/** One character as a JSON string shows it, with the unprintable ones as \u escapes too. */
function escaped(char: string): string {
  return JSON.stringify(char)
    .slice(1, -1)
    .replace(UNPRINTABLE, (found) => {
      const code = (found.codePointAt(0) ?? 0).toString(16)
      return code.length <= 4 ? `\\u${code.padStart(4, '0')}` : `\\u{${code}}`
    })
}

/**
 * Quotes a value for an error message, control characters escaped, cut with "…" so that what
 * is shown stays within SHOWN_MAX characters however many escapes it takes.
 */
export function shown(value: string): string {
  let text = ''
  let kept = '' // the longest prefix that leaves room for the "…"
  for (const char of value) {
    const longer = text + escaped(char)
    if (longer.length > SHOWN_MAX) return `"${kept}…"`
    text = longer
    if (text.length < SHOWN_MAX) kept = text
  }
  return `"${text}"`
}

/**
 * A refused value that is not shown, for inputs whose values are often secrets (`env-vars`, JSON
 * specs): `Input "<name>" <what>, its text not shown (<why>); allowed: <allowed>.`
 */
export function textNotShown(name: string, what: string, why: string, allowed: string): InputError {
  return new InputError(`Input "${name}" ${what}, its text not shown (${why}); allowed: ${allowed}.`)
}

/** The one shape of a refused value: `Input "<name>" has the value "<shown>"; allowed: <allowed>.` */
export function badValue(name: string, value: string, allowed: string): InputError {
  const length = value.length > SHOWN_MAX ? ` (${value.length} characters)` : ''
  return new InputError(`Input "${name}" has the value ${shown(value)}${length}; allowed: ${allowed}.`)
}
