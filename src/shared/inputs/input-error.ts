/** A bad input: the message names the input, the value and what is allowed. */
export class InputError extends Error {
  override name = 'InputError'
}

/** Quotes a value for an error message, cut short so a long value cannot flood the log. */
export function shown(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value)
}
