/**
 * Workflow commands written straight to stdout, for the moments before @actions/core is loaded
 * (reading inputs, failing on a bad one). Same escaping as the runner expects.
 */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** Masks a secret in the runner's log at once; the equivalent of core.setSecret. */
export function maskNow(secret: string): void {
  if (secret !== '') process.stdout.write(`::add-mask::${escapeData(secret)}\n`)
}

export function errorNow(message: string): void {
  process.stdout.write(`::error::${escapeData(message)}\n`)
}
